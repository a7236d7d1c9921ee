package dev.persona4j.samplers;

/**
 * Forbids any token that would complete an n-gram already present in the history (transformers'
 * {@code no_repeat_ngram_size}). {@code n = 0} disables it.
 */
record NoRepeatNgramProcessor(int n) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    int len = history.size();
    if (n == 0 || len + 1 < n) {
      return;
    }
    int[] h = history.toArray();
    int prefixStart = len - (n - 1);
    // Every earlier n-gram whose first n-1 tokens equal the current last n-1 tokens bans its last token.
    for (int start = 0; start + n <= len; start++) {
      boolean same = true;
      for (int j = 0; j < n - 1; j++) {
        if (h[start + j] != h[prefixStart + j]) {
          same = false;
          break;
        }
      }
      if (same) {
        int banned = h[start + n - 1];
        if (banned < logits.length) {
          logits[banned] = Float.NEGATIVE_INFINITY;
        }
      }
    }
  }

  @Override
  public String describe() {
    return "no-repeat-ngram(" + n + ")";
  }
}
