package dev.persona4j.samplers;

/**
 * Nucleus sampling with transformers' semantics: sort ascending, remove every token whose cumulative
 * probability (counted from the least likely) is {@code <= 1 - p}; the most likely token always
 * stays. {@code p = 1} disables it.
 */
public final class TopPProcessor implements LogitsProcessor {
  private final double p;

  public TopPProcessor(double p) {
    if (!(p > 0 && p <= 1)) {
      throw new InvalidSettingException("topP", p, "must be in (0, 1] (1 = off)");
    }
    this.p = p;
  }

  @Override
  public void process(float[] logits, TokenHistory history) {
    if (p >= 1) {
      return;
    }
    double[] prob = Logits.probabilities(logits);
    double cut = 1 - p;
    int finite = 0;
    for (float v : logits) {
      if (v != Float.NEGATIVE_INFINITY) {
        finite++;
      }
    }
    if (finite <= 1) {
      return;
    }
    // Tokens below cut/finite are removed without sorting: everything ranked at or below such a token
    // is below it too, so its cumulative mass is under cut. This keeps a 150k vocabulary cheap.
    double small = cut / finite;
    double smallMass = 0;
    boolean[] rest = new boolean[logits.length];
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] == Float.NEGATIVE_INFINITY) {
        continue;
      }
      if (prob[i] < small) {
        smallMass += prob[i];
        logits[i] = Float.NEGATIVE_INFINITY;
      } else {
        rest[i] = true;
      }
    }
    int[] order = Logits.ascendingOrder(logits, rest);
    double cumulative = smallMass;
    for (int r = 0; r < order.length - 1; r++) {
      cumulative += prob[order[r]];
      if (cumulative <= cut) {
        logits[order[r]] = Float.NEGATIVE_INFINITY;
      } else {
        break;
      }
    }
  }

  @Override
  public String describe() {
    return "top-p(" + p + ")";
  }
}
