package dev.persona4j.training.heads;

import dev.persona4j.core.heads.AttentionHead;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.LinearProbe;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import java.util.Arrays;
import java.util.Objects;

/** What {@link HeadTrainer} should train: the kind of head, its name, the layers it reads and its sizes. */
public final class HeadSpec {
  private final HeadKind kind;
  private final String name;
  private final int[] layers;
  private final Pooling pooling;
  private final int heads;
  private final int headDim;
  private final int mlpHidden;

  private HeadSpec(HeadKind kind, String name, int[] layers, Pooling pooling, int heads, int headDim, int mlpHidden) {
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
    if (heads < 1 || heads > 64) {
      throw new InvalidSettingException("heads", heads, "must be in [1, 64]");
    }
    if (headDim < 1 || headDim > 1024) {
      throw new InvalidSettingException("headDim", headDim, "must be in [1, 1024]");
    }
    if (mlpHidden < 1 || mlpHidden > 4096) {
      throw new InvalidSettingException("mlpHidden", mlpHidden, "must be in [1, 4096]");
    }
    this.kind = kind;
    this.name = name;
    this.layers = layers.clone();
    this.pooling = Objects.requireNonNull(pooling, "pooling");
    this.heads = heads;
    this.headDim = headDim;
    this.mlpHidden = mlpHidden;
  }

  /** A {@link LinearProbe} over the given layers' pooled activations. */
  public static HeadSpec linearProbe(String name, int[] layers, Pooling pooling) {
    return new HeadSpec(HeadKind.LINEAR_PROBE, name, layers, pooling, 1, 1, 1);
  }

  /** An {@link AttentionHead} with the seed design's sizes: 4 heads of 16, an MLP of 32. */
  public static HeadSpec attentionHead(String name, int[] layers) {
    return attentionHead(name, layers, 4, 16, 32);
  }

  public static HeadSpec attentionHead(String name, int[] layers, int heads, int headDim, int mlpHidden) {
    return new HeadSpec(HeadKind.ATTENTION_HEAD, name, layers, Pooling.LAST, heads, headDim, mlpHidden);
  }

  public HeadKind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  public int[] layers() {
    return layers.clone();
  }

  /** The probe's pooling; attention heads attend over every token and ignore it. */
  public Pooling pooling() {
    return pooling;
  }

  public int heads() {
    return heads;
  }

  public int headDim() {
    return headDim;
  }

  public int mlpHidden() {
    return mlpHidden;
  }

  @Override
  public String toString() {
    return kind == HeadKind.LINEAR_PROBE
        ? "linear probe '" + name + "' over layers " + Arrays.toString(layers) + " (" + pooling + ")"
        : "attention head '" + name + "' over layers " + Arrays.toString(layers) + " (" + heads + "x" + headDim
            + ", mlp " + mlpHidden + ")";
  }
}
