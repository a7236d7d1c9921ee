package dev.persona4j.samplers;

/**
 * Removes tokens whose probability is below {@code minP} times the top token's probability. The top
 * token always stays. {@code minP = 0} disables it.
 */
public final class MinPProcessor implements LogitsProcessor {
  private final double minP;

  public MinPProcessor(double minP) {
    if (!(minP >= 0 && minP <= 1)) {
      throw new InvalidSettingException("minP", minP, "must be in [0, 1] (0 = off)");
    }
    this.minP = minP;
  }

  @Override
  public void process(float[] logits, TokenHistory history) {
    if (minP == 0) {
      return;
    }
    int top = Logits.argmax(logits);
    if (top < 0) {
      return;
    }
    double[] prob = Logits.probabilities(logits);
    double floor = minP * prob[top];
    for (int i = 0; i < logits.length; i++) {
      if (i != top && prob[i] < floor) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public String describe() {
    return "min-p(" + minP + ")";
  }
}
