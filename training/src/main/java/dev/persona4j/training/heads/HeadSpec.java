package dev.persona4j.training.heads;

import dev.persona4j.core.heads.AttentionHead;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.LinearProbe;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link HeadTrainer} should train: the kind of head, its name, the layers it reads and its
 * sizes. Make one with {@link #linearProbe} or {@link #attentionHead}.
 *
 * @param kind {@link HeadKind#LINEAR_PROBE} or {@link HeadKind#ATTENTION_HEAD}
 * @param name the head's name
 * @param layers the hidden-state indices it reads, in order, none twice
 * @param pooling the probe's pooling; attention heads attend over every token and ignore it
 * @param heads attention heads, in [1, 64]
 * @param headDim width of each attention head, in [1, 1024]
 * @param mlpHidden units of the attention head's MLP block, in [1, 4096]
 */
public record HeadSpec(HeadKind kind, String name, int[] layers, Pooling pooling, int heads, int headDim,
    int mlpHidden) {
  public HeadSpec {
    if (kind != HeadKind.LINEAR_PROBE && kind != HeadKind.ATTENTION_HEAD) {
      throw new InvalidSettingException("kind", kind, "the trainer trains linear probes and attention heads");
    }
    if (name == null || name.isBlank()) {
      throw new InvalidSettingException("name", name, "a head needs a non-blank name");
    }
    Objects.requireNonNull(layers, "layers");
    if (layers.length == 0) {
      throw new InvalidSettingException("layers", "[]", "a head reads at least one layer");
    }
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] < 0) {
        throw new InvalidSettingException("layers", Arrays.toString(layers), "layer indices must be >= 0");
      }
      for (int j = 0; j < i; j++) {
        if (layers[i] == layers[j]) {
          throw new InvalidSettingException("layers", Arrays.toString(layers), "layer " + layers[i] + " is listed twice");
        }
      }
    }
    Objects.requireNonNull(pooling, "pooling");
    within("heads", heads, 64);
    within("headDim", headDim, 1024);
    within("mlpHidden", mlpHidden, 4096);
    layers = layers.clone();
  }

  private static void within(String setting, int value, int max) {
    if (value < 1 || value > max) {
      throw new InvalidSettingException(setting, value, "must be in [1, " + max + "]");
    }
  }

  /** A {@link LinearProbe} over the given layers' pooled activations. */
  public static HeadSpec linearProbe(String name, int[] layers, Pooling pooling) {
    return new HeadSpec(HeadKind.LINEAR_PROBE, name, layers, pooling, 1, 1, 1);
  }

  /** An {@link AttentionHead} with the seed design's sizes: 4 heads of 16, an MLP of 32. */
  public static HeadSpec attentionHead(String name, int[] layers) {
    return attentionHead(name, layers, 4, 16, 32);
  }

  /** An {@link AttentionHead} of {@code heads} heads of {@code headDim} and an MLP of {@code mlpHidden}. */
  public static HeadSpec attentionHead(String name, int[] layers, int heads, int headDim, int mlpHidden) {
    return new HeadSpec(HeadKind.ATTENTION_HEAD, name, layers, Pooling.LAST, heads, headDim, mlpHidden);
  }

  /** A copy of the layers. */
  @Override
  public int[] layers() {
    return layers.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeadSpec s && kind == s.kind && name.equals(s.name) && Arrays.equals(layers, s.layers)
        && pooling == s.pooling && heads == s.heads && headDim == s.headDim && mlpHidden == s.mlpHidden;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, Arrays.hashCode(layers), pooling, heads, headDim, mlpHidden);
  }

  @Override
  public String toString() {
    return kind == HeadKind.LINEAR_PROBE
        ? "linear probe '" + name + "' over layers " + Arrays.toString(layers) + " (" + pooling + ")"
        : "attention head '" + name + "' over layers " + Arrays.toString(layers) + " (" + heads + "x" + headDim
            + ", mlp " + mlpHidden + ")";
  }
}
