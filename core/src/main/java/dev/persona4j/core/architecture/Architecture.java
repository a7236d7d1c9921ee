package dev.persona4j.core.architecture;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

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
 * <p>Module names ({@code attentionNorm}, {@code qkv}, ...) are relative to a layer's prefix and
 * take {@code .weight} / {@code .bias}; {@code embedTokens}, {@code positionEmbeddings} and {@code
 * lmHead} are whole tensor names. One description per {@code model_type}: {@link #of(String)}.
 *
 * @param modelType {@code model_type}
 * @param embedTokens the token embedding [vocab, hidden]
 * @param positionEmbeddings the learned position embedding [context, hidden] (GPT-2's wpe); absent
 *     for rotary positions
 * @param layerPrefix the prefix before a layer's index, e.g. {@code model.layers.}
 * @param attentionNorm the norm before attention
 * @param qkv the q, k, v projections: three, or one fused tensor holding q, k, v stacked along the
 *     output dimension in that order
 * @param attentionOut the attention output projection
 * @param queryNorm the per-head RMSNorm of queries (one [headDim] weight shared by all heads;
 *     Qwen3), if any
 * @param keyNorm the per-head RMSNorm of keys, present exactly with {@code queryNorm}
 * @param mlpNorm the norm before the MLP
 * @param gateUp the MLP's input projections: gate and up separate, one fused tensor (gate rows
 *     first), or for an ungated MLP the single up projection
 * @param gated whether the MLP is {@code down(act(gate)·up)} rather than {@code down(act(up))}
 * @param down the MLP's output projection
 * @param finalNorm the norm after the last layer
 * @param lmHead the output head [vocab, hidden], read only without {@code tie_word_embeddings}
 * @param layout how projection weights are stored
 * @param norm the kind of every norm
 * @param qkvBias biases of q, k and v
 * @param outBias bias of the attention output projection
 * @param mlpBias biases of the MLP's projections
 * @param defaults what config.json defaults to
 */
public record Architecture(
    String modelType,
    String embedTokens,
    Optional<String> positionEmbeddings,
    String layerPrefix,
    String attentionNorm,
    List<String> qkv,
    String attentionOut,
    Optional<String> queryNorm,
    Optional<String> keyNorm,
    String mlpNorm,
    List<String> gateUp,
    boolean gated,
    String down,
    String finalNorm,
    String lmHead,
    Layout layout,
    Norm norm,
    Bias qkvBias,
    Bias outBias,
    Bias mlpBias,
    ConfigDefaults defaults) {

  /** The norm before attention, before the MLP and at the end. */
  public enum Norm {
    /** transformers' LlamaRMSNorm: {@code x / sqrt(mean(x²) + eps) · weight}. */
    RMS_NORM,
    /** LayerNorm with weight and bias (biased variance). */
    LAYER_NORM
  }

  /** Whether a group of projections has biases. */
  public enum Bias {
    /** Never. */
    NONE,
    /** Always. */
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
    /** Checks the activation is named. */
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

  /** Checks the description is complete and consistent. */
  public Architecture {
    for (Object part : new Object[] {modelType, embedTokens, positionEmbeddings, layerPrefix, attentionNorm, qkv,
        attentionOut, queryNorm, keyNorm, mlpNorm, gateUp, down, finalNorm, lmHead, layout, norm, qkvBias, outBias,
        mlpBias, defaults}) {
      Objects.requireNonNull(part, () -> modelType + ": every part of an architecture is named");
    }
    qkv = List.copyOf(qkv);
    gateUp = List.copyOf(gateUp);
    if (qkv.size() != 1 && qkv.size() != 3) {
      throw new IllegalArgumentException(modelType + ": q/k/v are 3 tensors or 1 fused, got " + qkv);
    }
    if (gateUp.isEmpty() || gateUp.size() > 2 || !gated && gateUp.size() != 1) {
      throw new IllegalArgumentException(modelType + ": gate/up are 2 tensors, 1 fused or 1 ungated, got " + gateUp);
    }
    if (queryNorm.isPresent() != keyNorm.isPresent()) {
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

  /** The prefix of layer {@code index}'s tensors, e.g. {@code model.layers.3.}. */
  public String layer(int index) {
    return layerPrefix + index + ".";
  }

  /** Whether q, k and v are stored as one tensor. */
  public boolean fusedQkv() {
    return qkv.size() == 1;
  }

  /** Learned when there is a position embedding tensor, else rotary. */
  public Positions positions() {
    return positionEmbeddings.isPresent() ? Positions.LEARNED : Positions.ROTARY;
  }

  /** This description renamed to {@code modelType} with what {@code changes} sets: how a variant says how it differs. */
  Architecture variant(String modelType, Consumer<Parts> changes) {
    Parts p = new Parts(this);
    p.modelType = modelType;
    changes.accept(p);
    return p.build();
  }

  /** The parts of a description while a variant is written (see {@link #variant}). */
  static final class Parts {
    String modelType;
    String embedTokens;
    Optional<String> positionEmbeddings;
    String layerPrefix;
    String attentionNorm;
    List<String> qkv;
    String attentionOut;
    Optional<String> queryNorm;
    Optional<String> keyNorm;
    String mlpNorm;
    List<String> gateUp;
    boolean gated;
    String down;
    String finalNorm;
    String lmHead;
    Layout layout;
    Norm norm;
    Bias qkvBias;
    Bias outBias;
    Bias mlpBias;
    ConfigDefaults defaults;

    private Parts(Architecture a) {
      modelType = a.modelType;
      embedTokens = a.embedTokens;
      positionEmbeddings = a.positionEmbeddings;
      layerPrefix = a.layerPrefix;
      attentionNorm = a.attentionNorm;
      qkv = a.qkv;
      attentionOut = a.attentionOut;
      queryNorm = a.queryNorm;
      keyNorm = a.keyNorm;
      mlpNorm = a.mlpNorm;
      gateUp = a.gateUp;
      gated = a.gated;
      down = a.down;
      finalNorm = a.finalNorm;
      lmHead = a.lmHead;
      layout = a.layout;
      norm = a.norm;
      qkvBias = a.qkvBias;
      outBias = a.outBias;
      mlpBias = a.mlpBias;
      defaults = a.defaults;
    }

    /** Sets the per-head query and key norms (module names in a layer). */
    void queryKeyNorms(String query, String key) {
      queryNorm = Optional.of(query);
      keyNorm = Optional.of(key);
    }

    private Architecture build() {
      return new Architecture(modelType, embedTokens, positionEmbeddings, layerPrefix, attentionNorm, qkv, attentionOut,
          queryNorm, keyNorm, mlpNorm, gateUp, gated, down, finalNorm, lmHead, layout, norm, qkvBias, outBias, mlpBias,
          defaults);
    }
  }
}
