package dev.persona4j.core.heads;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A persona direction at one layer: the mean pooled activation of in-character examples minus that of
 * out-of-character ones. Projecting a candidate onto it gives a score usable like any {@link Head}
 * (sigmoid-calibrated on the examples it came from); adding it to the residual stream is what core's
 * steering does. Immutable and thread-safe.
 */
public final class PersonaVector extends HeadBase {
  private final int layer;
  private final Pooling pooling;
  private final float[] direction;
  private final double[] unit;
  private final boolean normalised;

  private PersonaVector(String name, int layer, Pooling pooling, float[] direction, boolean normalised,
      Calibration calibration, double threshold, Map<String, String> provenance) {
    super(name, new int[] {layer}, direction.length, calibration, threshold, provenance);
    this.layer = layer;
    this.pooling = pooling;
    this.direction = direction;
    this.normalised = normalised;
    double norm = 0;
    for (float f : direction) {
      norm += (double) f * f;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) {
      throw new HeadException("head '" + name + "': tensor 'direction' has zero length");
    }
    this.unit = new double[direction.length];
    for (int i = 0; i < direction.length; i++) {
      unit[i] = direction[i] / norm;
    }
  }

  /** The direction core's steering adds to the residual stream entering {@link #layer()} (a copy). */
  public float[] direction() {
    return direction.clone();
  }

  /** The hidden-state index the direction lives at. */
  public int layer() {
    return layer;
  }

  /** How the candidate's tokens at {@link #layer()} are pooled before projecting. */
  public Pooling pooling() {
    return pooling;
  }

  /** Whether {@link #direction()} has unit length. */
  public boolean normalised() {
    return normalised;
  }

  /** The scalar projection of the candidate's pooled activation onto the unit direction. */
  public double project(CandidateActivations activations) {
    float[] pooled = pooledFeatures(activations, pooling);
    double s = 0;
    for (int i = 0; i < pooled.length; i++) {
      s += pooled[i] * unit[i];
    }
    return s;
  }

  @Override
  public double logit(CandidateActivations activations) {
    return project(activations);
  }

  @Override
  public HeadKind kind() {
    return HeadKind.PERSONA_VECTOR;
  }

  @Override
  Map<String, Tensor> weights() {
    return Map.of("direction", Tensor.vector(direction));
  }

  @Override
  Map<String, String> structure() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Head.META_POOLING, pooling.name());
    m.put(Head.META_NORMALISED, Boolean.toString(normalised));
    return m;
  }

  static PersonaVector fromParameters(String name, int[] layers, int hiddenSize, Map<String, Tensor> parameters,
      Map<String, String> metadata) {
    if (layers.length != 1) {
      throw new HeadException("head '" + name + "': a persona vector reads exactly one layer, got "
          + Arrays.toString(layers));
    }
    float[] direction = Heads.vector(name, parameters, "direction", hiddenSize);
    Pooling pooling = Heads.enumValue(name, metadata, Head.META_POOLING, Pooling.class);
    boolean normalised = Boolean.parseBoolean(metadata.getOrDefault(Head.META_NORMALISED, "false"));
    return new PersonaVector(name, layers[0], pooling, direction, normalised, Heads.calibration(name, parameters),
        Heads.threshold(name, metadata), Heads.provenance(metadata));
  }
}
