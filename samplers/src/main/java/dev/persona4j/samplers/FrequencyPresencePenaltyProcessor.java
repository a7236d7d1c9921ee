package dev.persona4j.samplers;

import java.util.Arrays;

/**
 * OpenAI / llama.cpp additive penalties over a window of recent tokens:
 * {@code logit -= count * frequencyPenalty + (count > 0 ? presencePenalty : 0)}.
 *
 * @param frequency in [-2, 2]; 0 = off
 * @param presence in [-2, 2]; 0 = off
 * @param window how many of the most recent tokens count; {@link Integer#MAX_VALUE} = the whole history
 */
record FrequencyPresencePenaltyProcessor(float frequency, float presence, int window) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (frequency == 0f && presence == 0f) {
      return;
    }
    int[] recent = history.last(window);
    Arrays.sort(recent);
    int r = 0;
    while (r < recent.length) {
      int t = recent[r];
      int count = 0;
      while (r < recent.length && recent[r] == t) {
        count++;
        r++;
      }
      if (t < logits.length) {
        logits[t] -= count * frequency + presence;
      }
    }
  }

  @Override
  public String describe() {
    return "frequency/presence-penalty(" + frequency + ", " + presence + ", window " + window + ")";
  }
}
