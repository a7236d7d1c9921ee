package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The architecture hyper-parameters of a decoder-only transformer, read from a Hugging Face {@code
 * config.json}. Both config layouts are read: transformers 4 ({@code rope_theta}, {@code
 * rope_scaling}, {@code partial_rotary_factor} at the top level) and transformers 5 ({@code
 * rope_parameters} holding them), as well as GPT-2's names ({@code n_embd}, {@code n_layer}, ...).
 * Fields absent from the file take their architecture's defaults ({@link Architecture#defaults()}).
 *
 * <p>Immutable; equal when their {@link #toJson()} is. Build one by hand (e.g. for a model to train)
 * with {@link #builder(String)}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonAutoDetect(getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
public final class ModelConfig {
  /** The defaults of a model_type this project does not know (its loading fails later, naming it). */
  private static final Architecture LLAMA = Architecture.of("llama").orElseThrow();
  /** transformers' names → GPT2Config's, which GPT-2's config.json uses. */
  private static final Map<String, String> GPT2_NAMES = Map.of("hidden_size", "n_embd", "intermediate_size", "n_inner",
      "num_hidden_layers", "n_layer", "num_attention_heads", "n_head", "max_position_embeddings", "n_positions",
      "rms_norm_eps", "layer_norm_epsilon", "hidden_act", "activation_function");

  // The fields as config.json (transformers 4 layout) names them; Jackson binds them, then resolve()
  // applies the defaults and checks them, and they never change after.
  @JsonProperty("architectures") private List<String> architectures;
  @JsonProperty("model_type") private String modelType;
  @JsonProperty("vocab_size") private Integer vocabSize;
  @JsonProperty("hidden_size") private Integer hiddenSize;
  @JsonProperty("intermediate_size") private Integer intermediateSize;
  @JsonProperty("num_hidden_layers") private Integer layers;
  @JsonProperty("num_attention_heads") private Integer heads;
  @JsonProperty("num_key_value_heads") private Integer kvHeads;
  @JsonProperty("head_dim") private Integer headDim;
  @JsonProperty("max_position_embeddings") private Integer contextLength;
  @JsonProperty("rms_norm_eps") private Double normEps;
  @JsonProperty("layer_norm_eps") private Double layerNormEps;
  @JsonProperty("hidden_act") private String hiddenAct;
  @JsonProperty("rope_theta") private Double ropeTheta;
  @JsonProperty("rope_scaling") private RopeScaling ropeScaling;
  @JsonProperty("rope_parameters") private RopeScaling ropeParameters;
  @JsonProperty("partial_rotary_factor") private Double partialRotaryFactor;
  @JsonProperty("original_max_position_embeddings") private Integer originalContextLength;
  @JsonProperty("attention_bias") private Boolean attentionBias;
  @JsonProperty("mlp_bias") private Boolean mlpBias;
  @JsonProperty("sliding_window") private Integer slidingWindow;
  @JsonProperty("use_sliding_window") private Boolean useSlidingWindow;
  @JsonProperty("tie_word_embeddings") private Boolean tieWordEmbeddings;
  @JsonProperty("initializer_range") private Double initializerRange;
  @JsonProperty("bos_token_id") private Integer bosTokenId;
  @JsonProperty("eos_token_id")
  @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY, JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
  private List<Integer> eosTokenIds;
  @JsonProperty("pad_token_id") private Integer padTokenId;
  @JsonProperty("torch_dtype") private String dtype;
  @JsonProperty("dtype") private String dtypeV5;

  private Path source;
  private String sha256;

  private ModelConfig() {}

  /**
   * Reads {@code config.json}.
   *
   * @throws CheckpointException naming the file and field if the file is missing, not JSON, or a
   *     required field is missing or has the wrong type or an inconsistent value
   */
  public static ModelConfig load(Path configJson) {
    byte[] bytes = JsonFile.bytes(configJson);
    return parse(new String(bytes, StandardCharsets.UTF_8), configJson, sha256(bytes));
  }

  /** Parses config JSON text; {@code source} is only used in messages and {@link #source()}. */
  public static ModelConfig parse(String json, Path source) {
    return parse(json, source, sha256(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static ModelConfig parse(String json, Path source, String sha) {
    ObjectNode tree = JsonFile.object(source, json);
    Map<String, String> renamed = new HashMap<>();
    GPT2_NAMES.forEach((name, gpt2) -> {
      if (tree.hasNonNull(gpt2) && !tree.hasNonNull(name)) {
        tree.set(name, tree.remove(gpt2));
        renamed.put(name, gpt2);
      }
    });
    JsonFile.Errors errors = (field, problem) -> new CheckpointException(source, renamed.getOrDefault(field, field), problem);
    ModelConfig c = JsonFile.bind(tree, ModelConfig.class, errors);
    c.source = source;
    c.sha256 = sha;
    return c.resolve(errors);
  }

  /** Applies the architecture's defaults, moves transformers 5 fields to their transformers 4 place, and checks. */
  private ModelConfig resolve(JsonFile.Errors errors) {
    if (modelType == null) {
      throw errors.error("model_type", "missing (required)");
    }
    modelType = modelType.toLowerCase(Locale.ROOT);
    boolean gpt2 = modelType.equals("gpt2");
    Architecture.ConfigDefaults d = Architecture.of(modelType).orElse(LLAMA).defaults();
    architectures = architectures == null ? List.of() : List.copyOf(architectures);
    vocabSize = bounded(errors, "vocab_size", vocabSize, true, MAX_VOCAB);
    hiddenSize = bounded(errors, "hidden_size", hiddenSize, true, MAX_WIDTH);
    layers = bounded(errors, "num_hidden_layers", layers, true, MAX_COUNT);
    heads = bounded(errors, "num_attention_heads", heads, true, MAX_COUNT);
    contextLength = bounded(errors, "max_position_embeddings", contextLength, true, MAX_CONTEXT);
    intermediateSize = bounded(errors, "intermediate_size", intermediateSize, !gpt2, MAX_WIDTH * 16);
    intermediateSize = intermediateSize != null ? intermediateSize : 4 * hiddenSize;
    kvHeads = bounded(errors, "num_key_value_heads", kvHeads, false, MAX_COUNT);
    kvHeads = kvHeads != null ? kvHeads : heads;
    if (heads % kvHeads != 0) {
      throw errors.error("num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
    }
    headDim = bounded(errors, "head_dim", headDim, false, MAX_HEAD_DIM);
    if (headDim == null && hiddenSize % heads != 0) {
      throw errors.error("num_attention_heads", heads + " does not divide hidden_size " + hiddenSize + " and head_dim is not given");
    }
    headDim = headDim != null ? headDim : hiddenSize / heads;
    String rope = ropeScaling == null && ropeParameters != null ? "rope_parameters" : "rope_scaling";
    if (ropeParameters != null) {
      ropeTheta = ropeParameters.ropeTheta() != null ? ropeParameters.ropeTheta() : ropeTheta;
      partialRotaryFactor = ropeParameters.partialRotaryFactor() != null ? ropeParameters.partialRotaryFactor() : partialRotaryFactor;
    }
    RopeScaling scaling = ropeScaling != null ? ropeScaling : ropeParameters;
    ropeScaling = scaling == null ? null : scaling.checked(rope, originalContextLength, errors);
    ropeParameters = null;
    ropeTheta = positive(errors, "rope_theta", ropeTheta != null ? ropeTheta : d.ropeTheta());
    partialRotaryFactor = partialRotaryFactor != null ? partialRotaryFactor : 1.0;
    if (!(partialRotaryFactor > 0 && partialRotaryFactor <= 1)) {
      throw errors.error("partial_rotary_factor", "must be in (0, 1], got " + partialRotaryFactor);
    }
    if (!gpt2 && (rotaryDim() % 2 != 0 || rotaryDim() == 0)) {
      throw errors.error("partial_rotary_factor", partialRotaryFactor + " × head_dim " + headDim + " gives " + rotaryDim()
          + " rotated dimensions; must be even and positive");
    }
    partialRotaryFactor = partialRotaryFactor == 1.0 ? null : partialRotaryFactor; // written only when partial, as Phi-3 does
    normEps = positive(errors, "rms_norm_eps", normEps != null ? normEps : layerNormEps != null ? layerNormEps : d.normEps());
    layerNormEps = null;
    hiddenAct = hiddenAct != null ? hiddenAct : d.hiddenAct();
    attentionBias = gpt2 || (attentionBias != null ? attentionBias : d.attentionBias()); // GPT-2: biases everywhere
    mlpBias = gpt2 || Boolean.TRUE.equals(mlpBias);
    slidingWindow = positive(errors, "sliding_window", slidingWindow, false);
    slidingWindow = d.slidingWindowNeedsFlag() && !Boolean.TRUE.equals(useSlidingWindow) ? null : slidingWindow;
    useSlidingWindow = slidingWindow == null ? null : true; // so that Qwen reads it back
    tieWordEmbeddings = tieWordEmbeddings != null ? tieWordEmbeddings : d.tieWordEmbeddings();
    initializerRange = initializerRange != null ? initializerRange : 0.02;
    dtype = dtype != null ? dtype : dtypeV5;
    dtypeV5 = null;
    bosTokenId = tokenId(errors, "bos_token_id", bosTokenId);
    padTokenId = tokenId(errors, "pad_token_id", padTokenId);
    eosTokenIds = JsonFile.tokenIds("eos_token_id", eosTokenIds, errors);
    return this;
  }

  // Sane maxima, far above any published model, so a hostile config fails here rather than in an
  // allocation sized by it; tensor shapes are checked against the config before weights are read.
  private static final int MAX_VOCAB = 1 << 22;
  private static final int MAX_WIDTH = 1 << 16;
  private static final int MAX_COUNT = 1 << 10;
  private static final int MAX_HEAD_DIM = 1 << 12;
  private static final int MAX_CONTEXT = 1 << 24;

  private static Integer bounded(JsonFile.Errors errors, String field, Integer value, boolean required, int max) {
    Integer v = positive(errors, field, value, required);
    if (v != null && v > max) {
      throw errors.error(field, v + " is beyond the sane maximum of " + max + " (corrupt or hostile config)");
    }
    return v;
  }

  private static Integer positive(JsonFile.Errors errors, String field, Integer value, boolean required) {
    if (value == null && required) {
      throw errors.error(field, "missing (required)");
    }
    if (value != null && value <= 0) {
      throw errors.error(field, "must be positive, got " + value);
    }
    return value;
  }

  private static double positive(JsonFile.Errors errors, String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw errors.error(field, "must be positive, got " + value);
    }
    return value;
  }

  private static Integer tokenId(JsonFile.Errors errors, String field, Integer id) {
    return id == null ? null : JsonFile.tokenIds(field, List.of(id), errors).get(0);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A builder for a config written by hand, e.g. a fresh model to train: unset fields take the
   * architecture's defaults, the dtype is float32.
   */
  public static Builder builder(String modelType) {
    return new Builder(Json.mapper().createObjectNode().put("model_type", Objects.requireNonNull(modelType, "modelType"))
        .put("torch_dtype", "float32"));
  }

  /** A builder starting from this config's values. */
  public Builder toBuilder() {
    return new Builder(tree());
  }

  /** This config's fields as a tree in the transformers 4 layout. */
  private ObjectNode tree() {
    return Json.mapper().valueToTree(this);
  }

  /**
   * This config as {@code config.json} text in the transformers 4 layout (GPT-2 names for {@code
   * gpt2}), readable back by {@link #load} into an equal config.
   */
  public String toJson() {
    ObjectNode file = tree();
    if (modelType.equals("gpt2")) {
      file = Json.mapper().createObjectNode();
      for (Map.Entry<String, JsonNode> e : tree().properties()) {
        file.set(GPT2_NAMES.getOrDefault(e.getKey(), e.getKey()), e.getValue());
      }
    }
    try {
      return Json.pretty().writeValueAsString(file) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code model_type}, lower case: {@code llama}, {@code gpt2}, {@code qwen2}, ... */
  public String modelType() {
    return modelType;
  }

  /** {@code architectures}, e.g. {@code [LlamaForCausalLM]}; may be empty. */
  public List<String> architectures() {
    return architectures;
  }

  /** {@code vocab_size}: rows of the token embedding. */
  public int vocabSize() {
    return vocabSize;
  }

  /** {@code hidden_size} ({@code n_embd}): width of the residual stream. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** Width of the MLP's inner layer ({@code intermediate_size}, GPT-2's {@code n_inner} or 4 × hidden). */
  public int intermediateSize() {
    return intermediateSize;
  }

  /** Number of decoder layers. */
  public int layers() {
    return layers;
  }

  /** Number of query heads. */
  public int heads() {
    return heads;
  }

  /** Number of key/value heads (grouped-query attention when fewer than {@link #heads()}). */
  public int kvHeads() {
    return kvHeads;
  }

  /** Width of one attention head: {@code head_dim} when given, else hidden size / heads. */
  public int headDim() {
    return headDim;
  }

  /** Longest sequence the model handles ({@code max_position_embeddings} / {@code n_positions}). */
  public int contextLength() {
    return contextLength;
  }

  /** Epsilon of the RMSNorm / LayerNorm layers. */
  public double normEps() {
    return normEps;
  }

  /** The MLP activation: {@code silu}, {@code gelu_new}, ... */
  public String hiddenAct() {
    return hiddenAct;
  }

  /** The rotary embedding's base. */
  public double ropeTheta() {
    return ropeTheta;
  }

  /** Rotary frequency scaling, absent for the default rotary embedding. */
  Optional<RopeScaling> ropeScaling() {
    return Optional.ofNullable(ropeScaling);
  }

  /** The {@code rope_type} of the rotary embedding: {@code default}, {@code linear}, {@code llama3}, ... */
  public String ropeType() {
    return ropeScaling == null ? "default" : ropeScaling.type();
  }

  /** Fraction of each head's dimensions that are rotated (Phi-3's {@code partial_rotary_factor}). */
  public double partialRotaryFactor() {
    return partialRotaryFactor == null ? 1.0 : partialRotaryFactor;
  }

  /** Number of rotated dimensions per head (even). */
  public int rotaryDim() {
    return (int) (headDim * partialRotaryFactor());
  }

  /**
   * The rotary embedding's inverse frequencies [rotaryDim / 2], computed in float32 as transformers'
   * {@code _compute_default_rope_parameters} plus linear / llama3 scaling do; dimension d of a head
   * rotates by angle {@code position · result[d % (rotaryDim / 2)]}.
   *
   * @throws IllegalArgumentException for a rope type other than default, linear and llama3
   */
  public float[] rotaryInverseFrequencies() {
    int dim = rotaryDim();
    float base = (float) (double) ropeTheta;
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / (float) dim;
      inv[i] = 1.0f / (float) Math.pow(base, exponent);
    }
    RopeScaling s = ropeScaling;
    if (s == null) {
      return inv;
    }
    float factor = (float) (double) s.factor();
    switch (s.type()) {
      case "linear" -> {
        for (int i = 0; i < inv.length; i++) {
          inv[i] = inv[i] / factor;
        }
      }
      case "llama3" -> {
        float low = (float) (double) s.lowFreqFactor();
        float high = (float) (double) s.highFreqFactor();
        float old = s.originalMaxPositionEmbeddings();
        float lowWavelen = old / low;
        float highWavelen = old / high;
        for (int i = 0; i < inv.length; i++) {
          float wavelen = (float) (2 * Math.PI) / inv[i];
          float scaled = wavelen > lowWavelen ? inv[i] / factor : inv[i];
          boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
          if (medium) {
            float smooth = (old / wavelen - low) / (high - low);
            scaled = (1 - smooth) * scaled / factor + smooth * scaled;
          }
          inv[i] = scaled;
        }
      }
      default -> throw new IllegalArgumentException("unsupported rope type " + s.type());
    }
    return inv;
  }

  /** Whether the output head shares the token embedding matrix. */
  public boolean tieWordEmbeddings() {
    return tieWordEmbeddings;
  }

  /** Whether the q/k/v (and for GPT-2 all) attention projections have biases. */
  public boolean attentionBias() {
    return attentionBias;
  }

  /** Whether the MLP's projections have biases ({@code mlp_bias}). */
  public boolean mlpBias() {
    return mlpBias;
  }

  /** Sliding-window attention width, when the model uses one. */
  public OptionalInt slidingWindow() {
    return slidingWindow == null ? OptionalInt.empty() : OptionalInt.of(slidingWindow);
  }

  /** Standard deviation of the random initialisation. */
  public double initializerRange() {
    return initializerRange;
  }

  /** {@code torch_dtype} / {@code dtype}, when given. */
  public Optional<String> dtype() {
    return Optional.ofNullable(dtype);
  }

  /** {@code bos_token_id}, when given. */
  public OptionalInt bosTokenId() {
    return bosTokenId == null ? OptionalInt.empty() : OptionalInt.of(bosTokenId);
  }

  /** {@code eos_token_id} of config.json (an int or a list); may be empty. */
  public List<Integer> eosTokenIds() {
    return eosTokenIds;
  }

  /** {@code pad_token_id}, when given. */
  public OptionalInt padTokenId() {
    return padTokenId == null ? OptionalInt.empty() : OptionalInt.of(padTokenId);
  }

  /** The file this config was read from, if any. */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /** SHA-256 of the config file's bytes (of {@link #toJson()} for a built config). */
  public String sha256() {
    return sha256 != null ? sha256 : sha256(toJson().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelConfig c && tree().equals(c.tree());
  }

  @Override
  public int hashCode() {
    return tree().hashCode();
  }

  @Override
  public String toString() {
    return modelType + "[layers=" + layers + ", hidden=" + hiddenSize + ", heads=" + heads + "/" + kvHeads + "x"
        + headDim + ", vocab=" + vocabSize + ", context=" + contextLength + "]";
  }

  /**
   * Builds a {@link ModelConfig} by writing its config.json fields; {@link #build()} reads them as
   * {@link #parse} would, so the same defaults and checks apply.
   */
  public static final class Builder {
    private final ObjectNode json;

    private Builder(ObjectNode json) {
      this.json = json;
    }

    /** {@code architectures}, e.g. {@code [LlamaForCausalLM]}. */
    public Builder architectures(List<String> v) {
      return set("architectures", v);
    }

    /** Required. */
    public Builder vocabSize(int v) {
      return set("vocab_size", v);
    }

    /** Required. */
    public Builder hiddenSize(int v) {
      return set("hidden_size", v);
    }

    /** Required except for GPT-2 (4 × hidden). */
    public Builder intermediateSize(int v) {
      return set("intermediate_size", v);
    }

    /** Required. */
    public Builder layers(int v) {
      return set("num_hidden_layers", v);
    }

    /** Required. */
    public Builder heads(int v) {
      return set("num_attention_heads", v);
    }

    /** Defaults to {@link #heads(int)}. */
    public Builder kvHeads(int v) {
      return set("num_key_value_heads", v);
    }

    /** Defaults to hidden size / heads. */
    public Builder headDim(int v) {
      return set("head_dim", v);
    }

    /** Required. */
    public Builder contextLength(int v) {
      return set("max_position_embeddings", v);
    }

    /** The norms' epsilon. */
    public Builder normEps(double v) {
      return set("rms_norm_eps", v);
    }

    /** The MLP activation. */
    public Builder hiddenAct(String v) {
      return set("hidden_act", Objects.requireNonNull(v));
    }

    /** The rotary embedding's base. */
    public Builder ropeTheta(double v) {
      return set("rope_theta", v);
    }

    Builder ropeScaling(RopeScaling v) {
      return set("rope_scaling", v);
    }

    /** Fraction of each head's dimensions that are rotated. */
    public Builder partialRotaryFactor(double v) {
      return set("partial_rotary_factor", v);
    }

    /** Whether the output head shares the token embedding. */
    public Builder tieWordEmbeddings(boolean v) {
      return set("tie_word_embeddings", v);
    }

    /** Biases on q, k, v (and the attention output where the architecture says so). */
    public Builder attentionBias(boolean v) {
      return set("attention_bias", v);
    }

    /** Biases on the MLP's projections. */
    public Builder mlpBias(boolean v) {
      return set("mlp_bias", v);
    }

    /** Sliding-window attention of this width (for every architecture, Qwen's included). */
    public Builder slidingWindow(int v) {
      return set("use_sliding_window", true).set("sliding_window", v);
    }

    /** Standard deviation of the random initialisation. */
    public Builder initializerRange(double v) {
      return set("initializer_range", v);
    }

    /** {@code torch_dtype}. */
    public Builder dtype(String v) {
      return set("torch_dtype", v);
    }

    /** {@code bos_token_id}. */
    public Builder bosTokenId(int v) {
      return set("bos_token_id", v);
    }

    /** {@code eos_token_id}: one id or several. */
    public Builder eosTokenIds(List<Integer> v) {
      return set("eos_token_id", v);
    }

    /** {@code pad_token_id}. */
    public Builder padTokenId(int v) {
      return set("pad_token_id", v);
    }

    private Builder set(String field, Object value) {
      json.set(field, Json.mapper().valueToTree(value));
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the field when sizes are missing or inconsistent
     */
    public ModelConfig build() {
      JsonFile.Errors errors = (field, problem) -> new IllegalArgumentException(field + ": " + problem);
      return JsonFile.bind(json.deepCopy(), ModelConfig.class, errors).resolve(errors);
    }
  }
}
