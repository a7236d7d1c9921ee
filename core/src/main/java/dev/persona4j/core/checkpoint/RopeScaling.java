package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How rotary position frequencies are rescaled for a longer context: {@code rope_scaling} in
 * transformers 4 configs; {@code rope_parameters} in transformers 5, which also holds {@code
 * rope_theta} and {@code partial_rotary_factor} ({@link ModelConfig} moves those to its own fields).
 *
 * @param type {@code rope_type} (or the older {@code type}): e.g. {@code default}, {@code linear}, {@code llama3}
 * @param factor the context extension factor
 * @param lowFreqFactor llama3 only: wavelengths above {@code original / lowFreqFactor} are scaled
 * @param highFreqFactor llama3 only: wavelengths below {@code original / highFreqFactor} are kept
 * @param originalMaxPositionEmbeddings the context length the model was pre-trained with
 * @param ropeTheta transformers 5 only
 * @param partialRotaryFactor transformers 5 only
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record RopeScaling(
    @JsonProperty("rope_type") @JsonAlias("type") String type,
    @JsonProperty("factor") Double factor,
    @JsonProperty("low_freq_factor") Double lowFreqFactor,
    @JsonProperty("high_freq_factor") Double highFreqFactor,
    @JsonProperty("original_max_position_embeddings") Integer originalMaxPositionEmbeddings,
    @JsonProperty("rope_theta") Double ropeTheta,
    @JsonProperty("partial_rotary_factor") Double partialRotaryFactor) {

  /** Linear position interpolation by {@code factor}. */
  static RopeScaling linear(double factor) {
    return new RopeScaling("linear", factor, null, null, null, null, null);
  }

  /** Llama 3.1's frequency-dependent scaling. */
  static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {
    return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings, null, null);
  }

  /**
   * The scaling alone, checked ({@code field} is where it stands in config.json; {@code original}
   * the top-level {@code original_max_position_embeddings}); null for the default rotary embedding.
   */
  RopeScaling checked(String field, Integer original, JsonFile.Errors errors) {
    String t = type == null ? "default" : type;
    if (t.equals("default")) {
      return null;
    }
    if (factor == null) {
      throw errors.error(field + ".factor", "missing (required for rope_type " + t + ")");
    }
    if (!(factor > 0) || factor.isInfinite()) {
      throw errors.error(field + ".factor", "must be positive, got " + factor);
    }
    Integer old = originalMaxPositionEmbeddings != null ? originalMaxPositionEmbeddings : original;
    if (t.equals("llama3")) {
      for (Object[] required : new Object[][] {{"low_freq_factor", lowFreqFactor}, {"high_freq_factor", highFreqFactor},
          {"original_max_position_embeddings", old}}) {
        if (required[1] == null) {
          throw errors.error(field + "." + required[0], "missing (required for llama3)");
        }
      }
      if (!(highFreqFactor > lowFreqFactor && lowFreqFactor > 0)) {
        throw errors.error(field + ".high_freq_factor", "must exceed low_freq_factor > 0, got " + highFreqFactor + " and " + lowFreqFactor);
      }
    }
    if (old != null && old <= 0) {
      throw errors.error(field + ".original_max_position_embeddings", "must be positive, got " + old);
    }
    return new RopeScaling(t, factor, lowFreqFactor, highFreqFactor, old, null, null);
  }
}
