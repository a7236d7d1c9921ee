package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Token ids and sampling defaults from {@code generation_config.json}; where that file or a field is
 * absent, the ids come from {@code config.json}. Immutable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class GenerationConfig {
  // Bound by Jackson from the file's fields, completed from config.json by of(); never changed after.
  @JsonProperty("eos_token_id")
  @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
  private List<Integer> eosTokenIds;
  @JsonProperty("bos_token_id") private Integer bosTokenId;
  @JsonProperty("pad_token_id") private Integer padTokenId;
  @JsonProperty("do_sample") private Boolean doSample;
  @JsonProperty("temperature") private Double temperature;
  @JsonProperty("top_k") private Integer topK;
  @JsonProperty("top_p") private Double topP;
  @JsonProperty("repetition_penalty") private Double repetitionPenalty;
  @JsonProperty("max_new_tokens") private Integer maxNewTokens;

  private GenerationConfig() {}

  /** The ids of {@code config} alone, with no sampling defaults (no generation_config.json). */
  public static GenerationConfig of(ModelConfig config) {
    return new GenerationConfig().completedFrom(config, (field, problem) -> new IllegalStateException(field + ": " + problem));
  }

  /**
   * Reads {@code generationConfigJson} if it exists, falling back to {@code config}'s token ids for
   * absent fields.
   *
   * @throws CheckpointException naming the file and field if the file exists but is invalid
   */
  public static GenerationConfig load(Path generationConfigJson, ModelConfig config) {
    if (!Files.exists(generationConfigJson)) {
      return of(config);
    }
    String text = new String(JsonFile.bytes(generationConfigJson), StandardCharsets.UTF_8);
    JsonFile.Errors errors = (field, problem) -> new CheckpointException(generationConfigJson, field, problem);
    return JsonFile.bind(JsonFile.object(generationConfigJson, text), GenerationConfig.class, errors)
        .completedFrom(config, errors);
  }

  private GenerationConfig completedFrom(ModelConfig config, JsonFile.Errors errors) {
    eosTokenIds = JsonFile.tokenIds("eos_token_id", eosTokenIds, errors);
    eosTokenIds = eosTokenIds.isEmpty() ? config.eosTokenIds() : eosTokenIds;
    bosTokenId = bosTokenId != null ? JsonFile.tokenIds("bos_token_id", List.of(bosTokenId), errors).get(0) : boxed(config.bosTokenId());
    padTokenId = padTokenId != null ? JsonFile.tokenIds("pad_token_id", List.of(padTokenId), errors).get(0) : boxed(config.padTokenId());
    return this;
  }

  private static Integer boxed(OptionalInt v) {
    return v.isPresent() ? v.getAsInt() : null;
  }

  private static OptionalInt optional(Integer v) {
    return v == null ? OptionalInt.empty() : OptionalInt.of(v);
  }

  private static OptionalDouble optional(Double v) {
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** End-of-sequence ids (an {@code eos_token_id} may be a list); may be empty. */
  public List<Integer> eosTokenIds() {
    return eosTokenIds;
  }

  /** {@code bos_token_id}, when either file gives one. */
  public OptionalInt bosTokenId() {
    return optional(bosTokenId);
  }

  /** {@code pad_token_id}, when either file gives one. */
  public OptionalInt padTokenId() {
    return optional(padTokenId);
  }

  /** The model author's {@code do_sample}, if given. */
  public Optional<Boolean> doSample() {
    return Optional.ofNullable(doSample);
  }

  /** The model author's {@code temperature}, if given. */
  public OptionalDouble temperature() {
    return optional(temperature);
  }

  /** The model author's {@code top_k}, if given. */
  public OptionalInt topK() {
    return optional(topK);
  }

  /** The model author's {@code top_p}, if given. */
  public OptionalDouble topP() {
    return optional(topP);
  }

  /** The model author's {@code repetition_penalty}, if given. */
  public OptionalDouble repetitionPenalty() {
    return optional(repetitionPenalty);
  }

  /** The model author's {@code max_new_tokens}, if given. */
  public OptionalInt maxNewTokens() {
    return optional(maxNewTokens);
  }

  @Override
  public String toString() {
    return "GenerationConfig[eos=" + eosTokenIds + ", bos=" + bosTokenId + ", pad=" + padTokenId + "]";
  }
}
