package dev.persona4j.samplers;

import java.util.Arrays;

/**
 * transformers' multiplicative repetition penalty (Keskar et al.): every token present in the recent
 * history has its score divided by the penalty when positive and multiplied by it when negative,
 * once however often it occurred. A penalty above 1 discourages repeats, below 1 encourages them.
 *
 * @param penalty in (0, 10]; 1 = off
 * @param window how many of the most recent tokens count; {@link Integer#MAX_VALUE} = the whole history
 */
record RepetitionPenaltyProcessor(float penalty, int window) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (penalty == 1f) {
      return;
    }
    int[] recent = history.last(window);
    Arrays.sort(recent);
    for (int r = 0; r < recent.length; r++) {
      int t = recent[r];
      if (r > 0 && recent[r - 1] == t) {
        continue;
      }
      if (t >= logits.length) {
        continue; // a prompt token beyond the model's output vocabulary cannot be sampled anyway
      }
      float s = logits[t];
      logits[t] = s < 0 ? s * penalty : s / penalty;
    }
  }

  @Override
  public String describe() {
    return "repetition-penalty(" + penalty + ", window " + window + ")";
  }
}
