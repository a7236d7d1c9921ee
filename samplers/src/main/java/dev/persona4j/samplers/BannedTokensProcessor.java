package dev.persona4j.samplers;

import java.util.Set;
import java.util.TreeSet;

/** Removes a fixed set of tokens (e.g. special tokens a persona must never emit). */
final class BannedTokensProcessor implements LogitsProcessor {
  private final int[] tokens;

  BannedTokensProcessor(Set<Integer> banned) {
    tokens = new TreeSet<>(banned).stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public void process(float[] logits, TokenHistory history) {
    for (int t : tokens) {
      if (t >= logits.length) {
        throw new InvalidSettingException("bannedTokens", t, "token id outside the vocabulary of " + logits.length);
      }
      logits[t] = Float.NEGATIVE_INFINITY;
    }
  }

  @Override
  public String describe() {
    return "banned-tokens(" + tokens.length + ")";
  }
}
