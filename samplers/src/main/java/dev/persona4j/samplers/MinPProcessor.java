package dev.persona4j.samplers;

/**
 * Removes tokens whose probability is below {@code minP} times the top token's probability. The top
 * token always stays. {@code minP = 0} disables it.
 */
record MinPProcessor(double minP) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (minP == 0) {
      return;
    }
    int top = Logits.argmax(logits);
    if (top < 0) {
      return;
    }
    double[] prob = Logits.probabilities(logits, Scratch.get().probabilities(logits.length));
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
