package dev.persona4j.core.heads;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What every kind of head shares, written once: its name, the layers it reads, the hidden size it
 * was trained for, its Platt calibration, decision threshold and provenance. A kind adds its
 * parameters, its structural metadata and its raw {@link #logit}.
 */
abstract sealed class HeadBase implements Head permits LinearProbe, AttentionHead, PersonaVector {
  private final String name;
  private final int[] layers;
  private final int hidden;
  private final Calibration calibration;
  private final double threshold;
  private final Map<String, String> provenance;

  HeadBase(String name, int[] layers, int hidden, Calibration calibration, double threshold,
      Map<String, String> provenance) {
    this.name = name;
    this.layers = layers.clone();
    this.hidden = hidden;
    this.calibration = Objects.requireNonNull(calibration, "calibration");
    this.threshold = threshold;
    this.provenance = Map.copyOf(provenance);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int[] layers() {
    return layers.clone();
  }

  @Override
  public final int hiddenSize() {
    return hidden;
  }

  @Override
  public final Calibration calibration() {
    return calibration;
  }

  @Override
  public final double threshold() {
    return threshold;
  }

  @Override
  public final double score(CandidateActivations activations) {
    return calibration.probability(logit(activations));
  }

  /** The tensors this kind learned, without the calibration (added by {@link #parameters()}). */
  abstract Map<String, Tensor> weights();

  /** The metadata that describes this kind's structure (pooling, sizes), without the threshold. */
  abstract Map<String, String> structure();

  @Override
  public final Map<String, Tensor> parameters() {
    Map<String, Tensor> p = new LinkedHashMap<>(weights());
    p.put(Head.CALIBRATION, calibration.toTensor());
    return p;
  }

  @Override
  public final Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>(provenance);
    m.putAll(structure());
    m.put(Head.META_THRESHOLD, Double.toString(threshold));
    return m;
  }

  /** Fails unless the activations hold every layer this head reads, at its hidden size. */
  final void checkInput(CandidateActivations a) {
    Objects.requireNonNull(a, "activations");
    if (a.hiddenSize() != hidden) {
      throw new HeadException("head '" + name + "' expects hidden size " + hidden + ", activations have "
          + a.hiddenSize());
    }
    for (int l : layers) {
      if (!a.hasLayer(l)) {
        throw new HeadException("head '" + name + "' reads layer " + l + ", activations hold layers "
            + Arrays.toString(a.layers()));
      }
    }
  }

  /** The pooled, concatenated activations of this head's layers: {@code layers * hidden} values. */
  final float[] pooledFeatures(CandidateActivations a, Pooling pooling) {
    checkInput(a);
    return a.pooled(layers, pooling);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{name=" + name + ", layers=" + Arrays.toString(layers) + ", " + structure() + "}";
  }
}
