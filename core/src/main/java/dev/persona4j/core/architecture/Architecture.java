package dev.persona4j.core.architecture;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one decoder-only architecture is, independent of any engine: its tensors by Hugging Face
 * name and how they are stored (q/k/v and gate/up separate or fused, GPT-2's Conv1D [in, out]
 * layout), which projections carry biases, its norms, rotary and position embeddings, its
 * activation and the defaults of its {@code config.json}. An engine reads it together with the
 * checkpoint's {@code ModelConfig} (sizes, eps, rope parameters); every forward pass is
 *
 * <pre>
 *   x = embed(ids) (+ learned positions)
 *   per layer:  h = x + out(attention(rotary(qNorm(q), kNorm(k)), v))   q, k, v = qkv(attentionNorm(x))
 *               x = h + down(act(gate) · up)   gate, up = gateUp(mlpNorm(h))   (ungated: down(act(up)))
 *   logits = lmHead(finalNorm(x))
 * </pre>
 *
 * <p>Immutable. One per {@code model_type}: {@link #of(String)}; a variant is {@link #toBuilder()}
 * of another with what differs.
 */
public final class Architecture {
  /** The norm before attention, before the MLP and at the end. */
  public enum Norm {
    /** transformers' LlamaRMSNorm: {@code x / sqrt(mean(x²) + eps) · weight}. */
    RMS_NORM,
    /** LayerNorm with weight and bias (biased variance). */
    LAYER_NORM
  }

  /** Whether a group of projections has biases. */
  public enum Bias {
    NONE,
    ALWAYS,
    /** As config.json says ({@code attention_bias} for q/k/v, {@code mlp_bias} for the MLP). */
    FROM_CONFIG;

    /** Resolves against the config's flag. */
    public boolean present(boolean configured) {
      return this == ALWAYS || this == FROM_CONFIG && configured;
    }
  }

  /** How positions enter the model. */
  public enum Positions {
    /** Rotary embedding (rotate-half pairing) on the first partial_rotary_factor·head_dim dimensions of q and k. */
    ROTARY,
    /** A learned table added to the token embedding (GPT-2's wpe). */
    LEARNED
  }

  /** How projection weights are stored on disk. */
  public enum Layout {
    /** nn.Linear: [out, in]. */
    OUT_IN,
    /** GPT-2's Conv1D: [in, out]. */
    IN_OUT
  }

  /**
   * What config.json defaults to for this architecture when a field is absent.
   *
   * @param ropeTheta {@code rope_theta}
   * @param normEps the norm epsilon
   * @param hiddenAct the activation
   * @param tieWordEmbeddings {@code tie_word_embeddings}
   * @param attentionBias {@code attention_bias}
   * @param slidingWindowNeedsFlag whether {@code sliding_window} only applies with {@code use_sliding_window} (Qwen)
   */
  public record ConfigDefaults(double ropeTheta, double normEps, String hiddenAct, boolean tieWordEmbeddings,
      boolean attentionBias, boolean slidingWindowNeedsFlag) {
    public ConfigDefaults {
      Objects.requireNonNull(hiddenAct, "hiddenAct");
    }
  }

  private static final Map<String, Architecture> ALL = new TreeMap<>(Map.of(
      "llama", Llama.ARCHITECTURE,
      "mistral", Mistral.ARCHITECTURE,
      "qwen2", Qwen2.ARCHITECTURE,
      "qwen3", Qwen3.ARCHITECTURE,
      "phi3", Phi3.ARCHITECTURE,
      "gpt2", Gpt2.ARCHITECTURE));

  private final String modelType;
  private final String embedTokens;
  private final String positionEmbeddings;
  private final String layerPrefix;
  private final String attentionNorm;
  private final List<String> qkv;
  private final String attentionOut;
  private final String queryNorm;
  private final String keyNorm;
  private final String mlpNorm;
  private final List<String> gateUp;
  private final boolean gated;
  private final String down;
  private final String finalNorm;
  private final String lmHead;
  private final Layout layout;
  private final Norm norm;
  private final Positions positions;
  private final Bias qkvBias;
  private final Bias outBias;
  private final Bias mlpBias;
  private final ConfigDefaults defaults;

  private Architecture(Builder b) {
    modelType = Objects.requireNonNull(b.modelType, "modelType");
    embedTokens = Objects.requireNonNull(b.embedTokens, "embedTokens");
    positionEmbeddings = b.positionEmbeddings;
    layerPrefix = Objects.requireNonNull(b.layerPrefix, "layerPrefix");
    attentionNorm = b.attentionNorm;
    qkv = List.copyOf(b.qkv);
    attentionOut = b.attentionOut;
    queryNorm = b.queryNorm;
    keyNorm = b.keyNorm;
    mlpNorm = b.mlpNorm;
    gateUp = List.copyOf(b.gateUp);
    gated = b.gated;
    down = b.down;
    finalNorm = b.finalNorm;
    lmHead = b.lmHead;
    layout = b.layout;
    norm = b.norm;
    positions = b.positions;
    qkvBias = b.qkvBias;
    outBias = b.outBias;
    mlpBias = b.mlpBias;
    defaults = Objects.requireNonNull(b.defaults, "defaults");
    if (qkv.size() != 1 && qkv.size() != 3) {
      throw new IllegalArgumentException(modelType + ": q/k/v are 3 tensors or 1 fused, got " + qkv);
    }
    if (gateUp.isEmpty() || gateUp.size() > 2 || !gated && gateUp.size() != 1) {
      throw new IllegalArgumentException(modelType + ": gate/up are 2 tensors, 1 fused or 1 ungated, got " + gateUp);
    }
    if ((positions == Positions.LEARNED) != (positionEmbeddings != null)) {
      throw new IllegalArgumentException(modelType + ": learned positions need exactly their tensor name");
    }
    if ((queryNorm == null) != (keyNorm == null)) {
      throw new IllegalArgumentException(modelType + ": q and k norms come together");
    }
  }

  /** The description of {@code model_type} (lower case), if this project knows the architecture. */
  public static Optional<Architecture> of(String modelType) {
    return Optional.ofNullable(ALL.get(modelType));
  }

  /** Every known {@code model_type}, sorted. */
  public static Set<String> modelTypes() {
    return ALL.keySet();
  }

  /** A description written from scratch (every tensor name must be set). */
  public static Builder builder(String modelType) {
    return new Builder(modelType);
  }

  /**
   * The Llama family's layout (transformers' modeling_llama), the base the other descriptions
   * change: {@code model.layers.N.}, q/k/v and gate/up separate, RMSNorm, rotary.
   */
  public static Builder llamaFamily(String modelType) {
    return builder(modelType)
        .embedTokens("model.embed_tokens.weight")
        .layerPrefix("model.layers.")
        .attentionNorm("input_layernorm")
        .qkv("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj")
        .attentionOut("self_attn.o_proj")
        .mlpNorm("post_attention_layernorm")
        .gateUp("mlp.gate_proj", "mlp.up_proj")
        .down("mlp.down_proj")
        .finalNorm("model.norm")
        .lmHead("lm_head.weight");
  }

  /** A builder starting from this description (a variant sets only what differs). */
  public Builder toBuilder(String modelType) {
    Builder b = new Builder(modelType);
    b.embedTokens = embedTokens;
    b.positionEmbeddings = positionEmbeddings;
    b.layerPrefix = layerPrefix;
    b.attentionNorm = attentionNorm;
    b.qkv = qkv;
    b.attentionOut = attentionOut;
    b.queryNorm = queryNorm;
    b.keyNorm = keyNorm;
    b.mlpNorm = mlpNorm;
    b.gateUp = gateUp;
    b.gated = gated;
    b.down = down;
    b.finalNorm = finalNorm;
    b.lmHead = lmHead;
    b.layout = layout;
    b.norm = norm;
    b.positions = positions;
    b.qkvBias = qkvBias;
    b.outBias = outBias;
    b.mlpBias = mlpBias;
    b.defaults = defaults;
    return b;
  }

  /** {@code model_type}. */
  public String modelType() {
    return modelType;
  }

  /** The token embedding [vocab, hidden]. */
  public String embedTokens() {
    return embedTokens;
  }

  /** The learned position embedding [context, hidden], when {@link Positions#LEARNED}. */
  public Optional<String> positionEmbeddings() {
    return Optional.ofNullable(positionEmbeddings);
  }

  /** The prefix of layer {@code index}'s tensors, e.g. {@code model.layers.3.}. */
  public String layer(int index) {
    return layerPrefix + index + ".";
  }

  /** The norm before attention (a module name: append {@code .weight} / {@code .bias}). */
  public String attentionNorm() {
    return attentionNorm;
  }

  /**
   * The q, k, v projections (module names in a layer): three, or one fused tensor holding q, k, v
   * stacked along the output dimension in that order.
   */
  public List<String> qkv() {
    return qkv;
  }

  /** Whether q, k and v are stored as one tensor. */
  public boolean fusedQkv() {
    return qkv.size() == 1;
  }

  /** The attention output projection. */
  public String attentionOut() {
    return attentionOut;
  }

  /** The per-head RMSNorm of queries (one [headDim] weight shared by all heads; Qwen3), if any. */
  public Optional<String> queryNorm() {
    return Optional.ofNullable(queryNorm);
  }

  /** The per-head RMSNorm of keys, with {@link #queryNorm()}. */
  public Optional<String> keyNorm() {
    return Optional.ofNullable(keyNorm);
  }

  /** The norm before the MLP. */
  public String mlpNorm() {
    return mlpNorm;
  }

  /**
   * The MLP's input projections: gate and up separate, one fused tensor (gate rows first), or for
   * an ungated MLP ({@link #gated()} false) the single up projection.
   */
  public List<String> gateUp() {
    return gateUp;
  }

  /** Whether the MLP is {@code down(act(gate)·up)} rather than {@code down(act(up))}. */
  public boolean gated() {
    return gated;
  }

  /** The MLP's output projection. */
  public String down() {
    return down;
  }

  /** The final norm after the last layer. */
  public String finalNorm() {
    return finalNorm;
  }

  /** The output head [vocab, hidden], read only without {@code tie_word_embeddings}. */
  public String lmHead() {
    return lmHead;
  }

  /** How projection weights are stored. */
  public Layout layout() {
    return layout;
  }

  public Norm norm() {
    return norm;
  }

  public Positions positions() {
    return positions;
  }

  /** Biases of q, k and v. */
  public Bias qkvBias() {
    return qkvBias;
  }

  /** Bias of the attention output projection. */
  public Bias outBias() {
    return outBias;
  }

  /** Biases of the MLP's projections. */
  public Bias mlpBias() {
    return mlpBias;
  }

  /** What config.json defaults to. */
  public ConfigDefaults defaults() {
    return defaults;
  }

  @Override
  public String toString() {
    return "Architecture[" + modelType + "]";
  }

  /** Builds an {@link Architecture}. */
  public static final class Builder {
    private final String modelType;
    private String embedTokens;
    private String positionEmbeddings;
    private String layerPrefix;
    private String attentionNorm;
    private List<String> qkv = List.of();
    private String attentionOut;
    private String queryNorm;
    private String keyNorm;
    private String mlpNorm;
    private List<String> gateUp = List.of();
    private boolean gated = true;
    private String down;
    private String finalNorm;
    private String lmHead;
    private Layout layout = Layout.OUT_IN;
    private Norm norm = Norm.RMS_NORM;
    private Positions positions = Positions.ROTARY;
    private Bias qkvBias = Bias.FROM_CONFIG;
    private Bias outBias = Bias.NONE;
    private Bias mlpBias = Bias.FROM_CONFIG;
    private ConfigDefaults defaults = new ConfigDefaults(10_000.0, 1e-6, "silu", false, false, false);

    private Builder(String modelType) {
      this.modelType = modelType;
    }

    public Builder embedTokens(String v) {
      embedTokens = v;
      return this;
    }

    /** Sets learned positions read from tensor {@code v}. */
    public Builder learnedPositions(String v) {
      positionEmbeddings = v;
      positions = Positions.LEARNED;
      return this;
    }

    /** The prefix before a layer's index, e.g. {@code model.layers.}. */
    public Builder layerPrefix(String v) {
      layerPrefix = v;
      return this;
    }

    public Builder attentionNorm(String v) {
      attentionNorm = v;
      return this;
    }

    public Builder qkv(String... v) {
      qkv = List.of(v);
      return this;
    }

    public Builder attentionOut(String v) {
      attentionOut = v;
      return this;
    }

    public Builder queryKeyNorms(String query, String key) {
      queryNorm = query;
      keyNorm = key;
      return this;
    }

    public Builder mlpNorm(String v) {
      mlpNorm = v;
      return this;
    }

    /** Gate and up, separate or one fused tensor (gate rows first). */
    public Builder gateUp(String... v) {
      gateUp = List.of(v);
      gated = true;
      return this;
    }

    /** An ungated MLP, {@code down(act(up(x)))}. */
    public Builder ungatedUp(String v) {
      gateUp = List.of(v);
      gated = false;
      return this;
    }

    public Builder down(String v) {
      down = v;
      return this;
    }

    public Builder finalNorm(String v) {
      finalNorm = v;
      return this;
    }

    public Builder lmHead(String v) {
      lmHead = v;
      return this;
    }

    public Builder layout(Layout v) {
      layout = v;
      return this;
    }

    public Builder norm(Norm v) {
      norm = v;
      return this;
    }

    public Builder qkvBias(Bias v) {
      qkvBias = v;
      return this;
    }

    public Builder outBias(Bias v) {
      outBias = v;
      return this;
    }

    public Builder mlpBias(Bias v) {
      mlpBias = v;
      return this;
    }

    public Builder defaults(ConfigDefaults v) {
      defaults = v;
      return this;
    }

    public Architecture build() {
      return new Architecture(this);
    }
  }
}
