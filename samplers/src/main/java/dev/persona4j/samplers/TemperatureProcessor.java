package dev.persona4j.samplers;

import java.util.Arrays;

/**
 * Divides every score by the temperature. Temperature 0 means greedy: only the highest-scoring token
 * (the first on ties) is kept, so any later sampling step picks it deterministically.
 */
record TemperatureProcessor(float temperature) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (temperature == 0f) {
      int best = Logits.argmax(logits);
      if (best < 0) {
        return;
      }
      float keep = logits[best];
      Arrays.fill(logits, Float.NEGATIVE_INFINITY);
      logits[best] = keep;
      return;
    }
    if (temperature == 1f) {
      return;
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] = logits[i] / temperature;
    }
  }

  @Override
  public String describe() {
    return "temperature(" + temperature + ")";
  }
}
