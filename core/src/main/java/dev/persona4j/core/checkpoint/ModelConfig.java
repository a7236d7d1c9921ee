package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.architecture.Architecture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The architecture hyper-parameters of a decoder-only transformer, read from a Hugging Face {@code
 * config.json}. Both config layouts are read: transformers 4 ({@code rope_theta}, {@code
 * rope_scaling}, {@code partial_rotary_factor} at the top level) and transformers 5 ({@code
 * rope_parameters} holding them), as well as GPT-2's names ({@code n_embd}, {@code n_layer}, ...).
 *
 * <p>Immutable. Build one by hand (e.g. for a model to train) with {@link #builder(String)}.
 */
public final class ModelConfig {
  /** The defaults of a model_type this project does not know (its loading fails later, naming it). */
  private static final Architecture LLAMA = Architecture.of("llama").orElseThrow();
  private final String modelType;
  private final List<String> architectures;
  private final int vocabSize;
  private final int hiddenSize;
  private final int intermediateSize;
  private final int layers;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int contextLength;
  private final double normEps;
  private final String hiddenAct;
  private final double ropeTheta;
  private final RopeScaling ropeScaling;
  private final double partialRotaryFactor;
  private final boolean tieWordEmbeddings;
  private final boolean attentionBias;
  private final boolean mlpBias;
  private final Integer slidingWindow;
  private final double initializerRange;
  private final String dtype;
  private final Integer bosTokenId;
  private final List<Integer> eosTokenIds;
  private final Integer padTokenId;
  private final Path source;
  private final String sha256;

  private ModelConfig(Builder b) {
    this.modelType = b.modelType;
    this.architectures = List.copyOf(b.architectures);
    this.vocabSize = b.vocabSize;
    this.hiddenSize = b.hiddenSize;
    this.intermediateSize = b.intermediateSize;
    this.layers = b.layers;
    this.heads = b.heads;
    this.kvHeads = b.kvHeads == 0 ? b.heads : b.kvHeads;
    this.headDim = b.headDim == 0 ? (b.heads == 0 ? 0 : b.hiddenSize / b.heads) : b.headDim;
    this.contextLength = b.contextLength;
    this.normEps = b.normEps;
    this.hiddenAct = b.hiddenAct;
    this.ropeTheta = b.ropeTheta;
    this.ropeScaling = b.ropeScaling;
    this.partialRotaryFactor = b.partialRotaryFactor;
    this.tieWordEmbeddings = b.tieWordEmbeddings;
    this.attentionBias = b.attentionBias;
    this.mlpBias = b.mlpBias;
    this.slidingWindow = b.slidingWindow;
    this.initializerRange = b.initializerRange;
    this.dtype = b.dtype;
    this.bosTokenId = b.bosTokenId;
    this.eosTokenIds = List.copyOf(b.eosTokenIds);
    this.padTokenId = b.padTokenId;
    this.source = b.source;
    this.sha256 = b.sha256;
  }

  /**
   * Reads {@code config.json}.
   *
   * @throws CheckpointException naming the file and field if the file is missing, not JSON, or a
   *     required field is missing or has the wrong type or an inconsistent value
   */
  public static ModelConfig load(Path configJson) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(configJson);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(configJson, null, "file not found", e);
    } catch (IOException e) {
      throw new CheckpointException(configJson, null, "cannot read: " + e, e);
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), configJson, sha256(bytes));
  }

  /** Parses config JSON text; {@code source} is only used in messages and {@link #source()}. */
  public static ModelConfig parse(String json, Path source) {
    return parse(json, source, sha256(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static ModelConfig parse(String json, Path source, String sha) {
    JsonFile f = JsonFile.parse(source, json);
    String type =
        f.optString("model_type")
            .orElseThrow(() -> f.error("model_type", "missing (required)"))
            .toLowerCase(Locale.ROOT);
    Builder b = builder(type).source(source).sha256(sha);
    f.get("architectures")
        .ifPresent(
            a -> {
              if (!a.isArray()) {
                throw f.error("architectures", "must be a list of strings, got " + a);
              }
              List<String> names = new java.util.ArrayList<>();
              a.forEach(n -> names.add(n.asText()));
              b.architectures(names);
            });
    Architecture.ConfigDefaults d = Architecture.of(type).orElse(LLAMA).defaults();
    b.vocabSize(f.requirePositiveInt("vocab_size"));
    b.hiddenSize(f.requirePositiveInt("hidden_size", "n_embd"));
    b.layers(f.requirePositiveInt("num_hidden_layers", "n_layer"));
    b.heads(f.requirePositiveInt("num_attention_heads", "n_head"));
    b.contextLength(f.requirePositiveInt("max_position_embeddings", "n_positions"));
    if (type.equals("gpt2")) { // GPT2Config's own names
      b.intermediateSize(f.optPositiveInt("n_inner").orElse(4 * b.hiddenSize));
      b.hiddenAct(f.optString("activation_function").orElse(d.hiddenAct()));
      b.normEps(f.optDouble("layer_norm_epsilon").orElse(d.normEps()));
      b.attentionBias(true).mlpBias(true);
    } else {
      b.intermediateSize(f.requirePositiveInt("intermediate_size"));
      b.hiddenAct(f.optString("hidden_act").orElse(d.hiddenAct()));
      OptionalDouble eps = f.optDouble("rms_norm_eps");
      b.normEps(eps.isPresent() ? eps.getAsDouble() : f.optDouble("layer_norm_eps").orElse(d.normEps()));
      b.attentionBias(f.optBool("attention_bias").orElse(d.attentionBias()));
      b.mlpBias(f.optBool("mlp_bias").orElse(false));
    }
    b.tieWordEmbeddings(f.optBool("tie_word_embeddings").orElse(d.tieWordEmbeddings()));
    f.optPositiveInt("num_key_value_heads").ifPresent(b::kvHeads);
    f.optPositiveInt("head_dim").ifPresent(b::headDim);
    f.optDouble("initializer_range").ifPresent(b::initializerRange);
    f.optString("torch_dtype").or(() -> f.optString("dtype")).ifPresent(b::dtype);
    readRope(f, b, d);
    boolean slidingOn = !d.slidingWindowNeedsFlag() || f.optBool("use_sliding_window").orElse(false);
    if (slidingOn) {
      f.optPositiveInt("sliding_window").ifPresent(b::slidingWindow);
    }
    f.optTokenId("bos_token_id").ifPresent(b::bosTokenId);
    b.eosTokenIds(f.intOrIntList("eos_token_id"));
    f.optTokenId("pad_token_id").ifPresent(b::padTokenId);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(source, null, e.getMessage(), e);
    }
  }

  /** rope_theta, partial_rotary_factor and scaling, from either layout. */
  private static void readRope(JsonFile f, Builder b, Architecture.ConfigDefaults d) {
    Optional<JsonFile> params = f.object("rope_parameters");
    OptionalDouble theta = f.optDouble("rope_theta");
    if (params.isPresent() && params.get().optDouble("rope_theta").isPresent()) {
      theta = params.get().optDouble("rope_theta");
    }
    b.ropeTheta(theta.orElse(d.ropeTheta()));
    OptionalDouble partial = f.optDouble("partial_rotary_factor");
    if (params.isPresent() && params.get().optDouble("partial_rotary_factor").isPresent()) {
      partial = params.get().optDouble("partial_rotary_factor");
    }
    if (partial.isPresent()) {
      double p = partial.getAsDouble();
      if (!(p > 0 && p <= 1)) {
        throw f.error("partial_rotary_factor", "must be in (0, 1], got " + p);
      }
      b.partialRotaryFactor(p);
    }
    Optional<JsonFile> scaling = f.object("rope_scaling").or(() -> params);
    if (scaling.isEmpty()) {
      return;
    }
    JsonFile s = scaling.get();
    String type = s.optString("rope_type").or(() -> s.optString("type")).orElse("default");
    if (type.equals("default")) {
      return;
    }
    double factor =
        s.optDouble("factor").orElseThrow(() -> s.error("factor", "missing (required for rope_type " + type + ")"));
    if (!(factor > 0)) {
      throw s.error("factor", "must be positive, got " + factor);
    }
    int original = s.optPositiveInt("original_max_position_embeddings")
        .orElse(f.optPositiveInt("original_max_position_embeddings").orElse(0));
    double low = 0;
    double high = 0;
    if (type.equals("llama3")) {
      low = s.optDouble("low_freq_factor").orElseThrow(() -> s.error("low_freq_factor", "missing (required for llama3)"));
      high = s.optDouble("high_freq_factor").orElseThrow(() -> s.error("high_freq_factor", "missing (required for llama3)"));
      if (original == 0) {
        throw s.error("original_max_position_embeddings", "missing (required for llama3)");
      }
      if (!(high > low && low > 0)) {
        throw s.error("high_freq_factor", "must exceed low_freq_factor > 0, got " + high + " and " + low);
      }
    }
    b.ropeScaling(new RopeScaling(type, factor, low, high, original));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A builder for a config written by hand, e.g. a fresh model to train. */
  public static Builder builder(String modelType) {
    return new Builder(modelType);
  }

  /** A builder starting from this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder(modelType);
    b.architectures = architectures;
    b.vocabSize = vocabSize;
    b.hiddenSize = hiddenSize;
    b.intermediateSize = intermediateSize;
    b.layers = layers;
    b.heads = heads;
    b.kvHeads = kvHeads;
    b.headDim = headDim;
    b.contextLength = contextLength;
    b.normEps = normEps;
    b.hiddenAct = hiddenAct;
    b.ropeTheta = ropeTheta;
    b.ropeScaling = ropeScaling;
    b.partialRotaryFactor = partialRotaryFactor;
    b.tieWordEmbeddings = tieWordEmbeddings;
    b.attentionBias = attentionBias;
    b.mlpBias = mlpBias;
    b.slidingWindow = slidingWindow;
    b.initializerRange = initializerRange;
    b.dtype = dtype;
    b.bosTokenId = bosTokenId;
    b.eosTokenIds = eosTokenIds;
    b.padTokenId = padTokenId;
    return b;
  }

  /**
   * This config as {@code config.json} text in the transformers 4 layout (GPT-2 names for {@code
   * gpt2}), readable back by {@link #load}.
   */
  public String toJson() {
    ObjectNode o = JsonFile.MAPPER.createObjectNode();
    o.putArray("architectures").addAll(architectures.stream().map(o::textNode).toList());
    o.put("model_type", modelType);
    o.put("vocab_size", vocabSize);
    if (modelType.equals("gpt2")) {
      o.put("n_embd", hiddenSize);
      o.put("n_inner", intermediateSize);
      o.put("n_layer", layers);
      o.put("n_head", heads);
      o.put("n_positions", contextLength);
      o.put("layer_norm_epsilon", normEps);
      o.put("activation_function", hiddenAct);
    } else {
      o.put("hidden_size", hiddenSize);
      o.put("intermediate_size", intermediateSize);
      o.put("num_hidden_layers", layers);
      o.put("num_attention_heads", heads);
      o.put("num_key_value_heads", kvHeads);
      o.put("head_dim", headDim);
      o.put("max_position_embeddings", contextLength);
      o.put("rms_norm_eps", normEps);
      o.put("hidden_act", hiddenAct);
      o.put("rope_theta", ropeTheta);
      if (ropeScaling != null) {
        ObjectNode s = o.putObject("rope_scaling");
        s.put("rope_type", ropeScaling.type());
        s.put("factor", ropeScaling.factor());
        if (ropeScaling.type().equals("llama3")) {
          s.put("low_freq_factor", ropeScaling.lowFreqFactor());
          s.put("high_freq_factor", ropeScaling.highFreqFactor());
        }
        if (ropeScaling.originalMaxPositionEmbeddings() > 0) {
          s.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
        }
      } else {
        o.putNull("rope_scaling");
      }
      if (partialRotaryFactor != 1.0) {
        o.put("partial_rotary_factor", partialRotaryFactor);
      }
      o.put("attention_bias", attentionBias);
      o.put("mlp_bias", mlpBias);
      if (slidingWindow != null) {
        o.put("sliding_window", slidingWindow);
        o.put("use_sliding_window", true);
      }
    }
    o.put("tie_word_embeddings", tieWordEmbeddings);
    o.put("initializer_range", initializerRange);
    if (bosTokenId != null) {
      o.put("bos_token_id", bosTokenId);
    }
    if (eosTokenIds.size() == 1) {
      o.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      eosTokenIds.forEach(o.putArray("eos_token_id")::add);
    }
    if (padTokenId != null) {
      o.put("pad_token_id", padTokenId);
    }
    o.put("torch_dtype", dtype == null ? "float32" : dtype);
    try {
      return JsonFile.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    } catch (IOException e) {
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

  public int vocabSize() {
    return vocabSize;
  }

  public int hiddenSize() {
    return hiddenSize;
  }

  /** Width of the MLP's inner layer. */
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

  public double ropeTheta() {
    return ropeTheta;
  }

  /** Rotary frequency scaling, absent for the default rotary embedding. */
  public Optional<RopeScaling> ropeScaling() {
    return Optional.ofNullable(ropeScaling);
  }

  /** Fraction of each head's dimensions that are rotated (Phi-3's {@code partial_rotary_factor}). */
  public double partialRotaryFactor() {
    return partialRotaryFactor;
  }

  /** Number of rotated dimensions per head (even). */
  public int rotaryDim() {
    return (int) (headDim * partialRotaryFactor);
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
    float base = (float) ropeTheta;
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / (float) dim;
      inv[i] = 1.0f / (float) Math.pow(base, exponent);
    }
    RopeScaling s = ropeScaling;
    if (s == null) {
      return inv;
    }
    float factor = (float) s.factor();
    switch (s.type()) {
      case "linear" -> {
        for (int i = 0; i < inv.length; i++) {
          inv[i] = inv[i] / factor;
        }
      }
      case "llama3" -> {
        float low = (float) s.lowFreqFactor();
        float high = (float) s.highFreqFactor();
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

  /** Rope types this class computes. */
  static boolean supports(String ropeType) {
    return ropeType.equals("default") || ropeType.equals("linear") || ropeType.equals("llama3");
  }

  /** Whether the output head shares the token embedding matrix. */
  public boolean tieWordEmbeddings() {
    return tieWordEmbeddings;
  }

  /** Whether the q/k/v (and for GPT-2 all) attention projections have biases. */
  public boolean attentionBias() {
    return attentionBias;
  }

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

  public OptionalInt bosTokenId() {
    return bosTokenId == null ? OptionalInt.empty() : OptionalInt.of(bosTokenId);
  }

  /** {@code eos_token_id} of config.json (an int or a list); may be empty. */
  public List<Integer> eosTokenIds() {
    return eosTokenIds;
  }

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
  public String toString() {
    return modelType
        + "[layers="
        + layers
        + ", hidden="
        + hiddenSize
        + ", heads="
        + heads
        + "/"
        + kvHeads
        + "x"
        + headDim
        + ", vocab="
        + vocabSize
        + ", context="
        + contextLength
        + "]";
  }

  /** Builds a {@link ModelConfig}; {@link #build()} checks the values are consistent. */
  public static final class Builder {
    private final String modelType;
    private List<String> architectures = List.of();
    private int vocabSize;
    private int hiddenSize;
    private int intermediateSize;
    private int layers;
    private int heads;
    private int kvHeads;
    private int headDim;
    private int contextLength;
    private double normEps = 1e-5;
    private String hiddenAct = "silu";
    private double ropeTheta = 10_000.0;
    private RopeScaling ropeScaling;
    private double partialRotaryFactor = 1.0;
    private boolean tieWordEmbeddings;
    private boolean attentionBias;
    private boolean mlpBias;
    private Integer slidingWindow;
    private double initializerRange = 0.02;
    private String dtype;
    private Integer bosTokenId;
    private List<Integer> eosTokenIds = List.of();
    private Integer padTokenId;
    private Path source;
    private String sha256;

    private Builder(String modelType) {
      this.modelType = Objects.requireNonNull(modelType, "modelType").toLowerCase(Locale.ROOT);
    }

    public Builder architectures(List<String> v) {
      architectures = List.copyOf(v);
      return this;
    }

    public Builder vocabSize(int v) {
      vocabSize = v;
      return this;
    }

    public Builder hiddenSize(int v) {
      hiddenSize = v;
      return this;
    }

    public Builder intermediateSize(int v) {
      intermediateSize = v;
      return this;
    }

    public Builder layers(int v) {
      layers = v;
      return this;
    }

    public Builder heads(int v) {
      heads = v;
      return this;
    }

    /** Defaults to {@link #heads(int)}. */
    public Builder kvHeads(int v) {
      kvHeads = v;
      return this;
    }

    /** Defaults to hidden size / heads. */
    public Builder headDim(int v) {
      headDim = v;
      return this;
    }

    public Builder contextLength(int v) {
      contextLength = v;
      return this;
    }

    public Builder normEps(double v) {
      normEps = v;
      return this;
    }

    public Builder hiddenAct(String v) {
      hiddenAct = Objects.requireNonNull(v);
      return this;
    }

    public Builder ropeTheta(double v) {
      ropeTheta = v;
      return this;
    }

    public Builder ropeScaling(RopeScaling v) {
      ropeScaling = v;
      return this;
    }

    public Builder partialRotaryFactor(double v) {
      partialRotaryFactor = v;
      return this;
    }

    public Builder tieWordEmbeddings(boolean v) {
      tieWordEmbeddings = v;
      return this;
    }

    public Builder attentionBias(boolean v) {
      attentionBias = v;
      return this;
    }

    public Builder mlpBias(boolean v) {
      mlpBias = v;
      return this;
    }

    public Builder slidingWindow(int v) {
      slidingWindow = v;
      return this;
    }

    public Builder initializerRange(double v) {
      initializerRange = v;
      return this;
    }

    public Builder dtype(String v) {
      dtype = v;
      return this;
    }

    public Builder bosTokenId(int v) {
      bosTokenId = v;
      return this;
    }

    public Builder eosTokenIds(List<Integer> v) {
      eosTokenIds = List.copyOf(v);
      return this;
    }

    public Builder padTokenId(int v) {
      padTokenId = v;
      return this;
    }

    Builder source(Path v) {
      source = v;
      return this;
    }

    Builder sha256(String v) {
      sha256 = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the field when sizes are missing or inconsistent
     */
    public ModelConfig build() {
      positive("vocab_size", vocabSize);
      positive("hidden_size", hiddenSize);
      positive("intermediate_size", intermediateSize);
      positive("num_hidden_layers", layers);
      positive("num_attention_heads", heads);
      positive("max_position_embeddings", contextLength);
      int kv = kvHeads == 0 ? heads : kvHeads;
      if (kv <= 0 || heads % kv != 0) {
        throw new IllegalArgumentException(
            "num_key_value_heads: " + kv + " does not divide num_attention_heads " + heads);
      }
      if (headDim == 0 && hiddenSize % heads != 0) {
        throw new IllegalArgumentException(
            "num_attention_heads: " + heads + " does not divide hidden_size " + hiddenSize + " and head_dim is not given");
      }
      if (headDim < 0) {
        throw new IllegalArgumentException("head_dim: must be positive, got " + headDim);
      }
      int hd = headDim == 0 ? hiddenSize / heads : headDim;
      int rot = (int) (hd * partialRotaryFactor);
      if (!modelType.equals("gpt2") && (rot % 2 != 0 || rot == 0)) {
        throw new IllegalArgumentException(
            "partial_rotary_factor: " + partialRotaryFactor + " × head_dim " + hd + " gives " + rot + " rotated dimensions; must be even and positive");
      }
      if (!(normEps > 0)) {
        throw new IllegalArgumentException("rms_norm_eps: must be positive, got " + normEps);
      }
      if (!(ropeTheta > 0)) {
        throw new IllegalArgumentException("rope_theta: must be positive, got " + ropeTheta);
      }
      return new ModelConfig(this);
    }

    private static void positive(String field, int v) {
      if (v <= 0) {
        throw new IllegalArgumentException(field + ": must be positive, got " + v);
      }
    }
  }
}
