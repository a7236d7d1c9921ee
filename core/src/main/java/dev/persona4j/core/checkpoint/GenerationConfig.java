package dev.persona4j.core.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Token ids and sampling defaults from {@code generation_config.json}; where that file or a field is
 * absent, the ids come from {@code config.json}. Immutable.
 */
public final class GenerationConfig {
  private final List<Integer> eosTokenIds;
  private final Integer bosTokenId;
  private final Integer padTokenId;
  private final Boolean doSample;
  private final Double temperature;
  private final Integer topK;
  private final Double topP;
  private final Double repetitionPenalty;
  private final Integer maxNewTokens;

  private GenerationConfig(
      List<Integer> eosTokenIds,
      Integer bosTokenId,
      Integer padTokenId,
      Boolean doSample,
      Double temperature,
      Integer topK,
      Double topP,
      Double repetitionPenalty,
      Integer maxNewTokens) {
    this.eosTokenIds = List.copyOf(eosTokenIds);
    this.bosTokenId = bosTokenId;
    this.padTokenId = padTokenId;
    this.doSample = doSample;
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
    this.repetitionPenalty = repetitionPenalty;
    this.maxNewTokens = maxNewTokens;
  }

  /** The ids of {@code config} alone, with no sampling defaults (no generation_config.json). */
  public static GenerationConfig of(ModelConfig config) {
    return new GenerationConfig(
        config.eosTokenIds(),
        boxed(config.bosTokenId()),
        boxed(config.padTokenId()),
        null, null, null, null, null, null);
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
    String text;
    try {
      text = Files.readString(generationConfigJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException(generationConfigJson, null, "cannot read: " + e, e);
    }
    JsonFile f = JsonFile.parse(generationConfigJson, text);
    List<Integer> eos = f.intOrIntList("eos_token_id");
    if (eos.isEmpty()) {
      eos = config.eosTokenIds();
    }
    OptionalInt bos = f.optTokenId("bos_token_id");
    OptionalInt pad = f.optTokenId("pad_token_id");
    OptionalDouble temperature = f.optDouble("temperature");
    OptionalDouble topP = f.optDouble("top_p");
    OptionalDouble rep = f.optDouble("repetition_penalty");
    OptionalInt topK = f.optInt("top_k");
    OptionalInt maxNew = f.optInt("max_new_tokens");
    return new GenerationConfig(
        eos,
        bos.isPresent() ? Integer.valueOf(bos.getAsInt()) : boxed(config.bosTokenId()),
        pad.isPresent() ? Integer.valueOf(pad.getAsInt()) : boxed(config.padTokenId()),
        f.optBool("do_sample").orElse(null),
        temperature.isPresent() ? temperature.getAsDouble() : null,
        topK.isPresent() ? topK.getAsInt() : null,
        topP.isPresent() ? topP.getAsDouble() : null,
        rep.isPresent() ? rep.getAsDouble() : null,
        maxNew.isPresent() ? maxNew.getAsInt() : null);
  }

  private static Integer boxed(OptionalInt v) {
    return v.isPresent() ? v.getAsInt() : null;
  }

  /** End-of-sequence ids (an {@code eos_token_id} may be a list); may be empty. */
  public List<Integer> eosTokenIds() {
    return eosTokenIds;
  }

  public OptionalInt bosTokenId() {
    return bosTokenId == null ? OptionalInt.empty() : OptionalInt.of(bosTokenId);
  }

  public OptionalInt padTokenId() {
    return padTokenId == null ? OptionalInt.empty() : OptionalInt.of(padTokenId);
  }

  /** The model author's {@code do_sample}, if given. */
  public Optional<Boolean> doSample() {
    return Optional.ofNullable(doSample);
  }

  public OptionalDouble temperature() {
    return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
  }

  public OptionalInt topK() {
    return topK == null ? OptionalInt.empty() : OptionalInt.of(topK);
  }

  public OptionalDouble topP() {
    return topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP);
  }

  public OptionalDouble repetitionPenalty() {
    return repetitionPenalty == null ? OptionalDouble.empty() : OptionalDouble.of(repetitionPenalty);
  }

  public OptionalInt maxNewTokens() {
    return maxNewTokens == null ? OptionalInt.empty() : OptionalInt.of(maxNewTokens);
  }

  /** A copy with these end-of-sequence ids. */
  public GenerationConfig withEosTokenIds(List<Integer> ids) {
    List<Integer> copy = new ArrayList<>(ids);
    return new GenerationConfig(
        copy, bosTokenId, padTokenId, doSample, temperature, topK, topP, repetitionPenalty, maxNewTokens);
  }

  @Override
  public String toString() {
    return "GenerationConfig[eos=" + eosTokenIds + ", bos=" + bosTokenId + ", pad=" + padTokenId + "]";
  }
}
