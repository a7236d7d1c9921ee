package dev.persona4j.samplers;

/**
 * Locally typical sampling (Meister et al.) with transformers' semantics: rank tokens by how far
 * their surprisal is from the distribution's entropy and keep the closest ones until their mass
 * reaches {@code typicalP}. {@code typicalP = 1} disables it.
 */
record TypicalPProcessor(double typicalP) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (typicalP >= 1) {
      return;
    }
    float max = Logits.max(logits);
    if (max == Float.NEGATIVE_INFINITY) {
      return;
    }
    double[] prob = Logits.probabilities(logits);
    double entropy = 0;
    for (double q : prob) {
      if (q > 0) {
        entropy -= q * Math.log(q);
      }
    }
    int n = logits.length;
    float[] shifted = new float[n];
    boolean[] all = new boolean[n];
    for (int i = 0; i < n; i++) {
      // A removed token has infinite surprisal, so it sorts last.
      shifted[i] = prob[i] > 0 ? (float) Math.abs(-Math.log(prob[i]) - entropy) : Float.POSITIVE_INFINITY;
      all[i] = true;
    }
    int[] order = Logits.ascendingOrder(shifted, all);
    double cumulative = 0;
    int lastIndex = 0;
    for (int r = 0; r < n; r++) {
      cumulative += prob[order[r]];
      if (cumulative < typicalP) {
        lastIndex = r + 1;
      } else {
        break;
      }
    }
    lastIndex = Math.min(lastIndex, n - 1);
    float limit = shifted[order[lastIndex]];
    for (int r = 1; r < n; r++) {
      int i = order[r];
      if (shifted[i] > limit) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public String describe() {
    return "typical-p(" + typicalP + ")";
  }
}
