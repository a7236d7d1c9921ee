package dev.persona4j.samplers;

import java.util.Map;
import java.util.TreeMap;

/** Adds a fixed bias to chosen tokens' scores (OpenAI {@code logit_bias}); -inf bans a token. */
final class LogitBiasProcessor implements LogitsProcessor {
  private final int[] tokens;
  private final float[] biases;

  LogitBiasProcessor(Map<Integer, Float> bias) {
    Map<Integer, Float> sorted = new TreeMap<>(bias);
    tokens = new int[sorted.size()];
    biases = new float[sorted.size()];
    int i = 0;
    for (Map.Entry<Integer, Float> e : sorted.entrySet()) {
      tokens[i] = e.getKey();
      biases[i++] = e.getValue();
    }
  }

  @Override
  public void process(float[] logits, TokenHistory history) {
    for (int i = 0; i < tokens.length; i++) {
      int t = tokens[i];
      if (t >= logits.length) {
        throw new InvalidSettingException("logitBias", t, "token id outside the vocabulary of " + logits.length);
      }
      logits[t] += biases[i];
    }
  }

  @Override
  public String describe() {
    return "logit-bias(" + tokens.length + " tokens)";
  }
}
