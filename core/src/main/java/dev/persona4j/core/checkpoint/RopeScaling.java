package dev.persona4j.core.checkpoint;

/**
 * How rotary position frequencies are rescaled for a longer context ({@code rope_scaling} in
 * transformers 4 configs, the non-default part of {@code rope_parameters} in transformers 5).
 *
 * @param type {@code rope_type} (or the older {@code type}): e.g. {@code linear}, {@code llama3}
 * @param factor the context extension factor
 * @param lowFreqFactor llama3 only: wavelengths above {@code original / lowFreqFactor} are scaled
 * @param highFreqFactor llama3 only: wavelengths below {@code original / highFreqFactor} are kept
 * @param originalMaxPositionEmbeddings the context length the model was pre-trained with
 */
public record RopeScaling(
    String type,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositionEmbeddings) {

  /** Linear position interpolation by {@code factor}. */
  public static RopeScaling linear(double factor) {
    return new RopeScaling("linear", factor, 0, 0, 0);
  }

  /** Llama 3.1's frequency-dependent scaling. */
  public static RopeScaling llama3(
      double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {
    return new RopeScaling(
        "llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings);
  }
}
