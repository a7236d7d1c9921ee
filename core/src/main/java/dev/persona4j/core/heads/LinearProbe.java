package dev.persona4j.core.heads;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logistic regression over pooled activations: each tapped layer is pooled ({@link Pooling#MEAN} or
 * {@link Pooling#LAST}), the layers are concatenated, standardised with the training set's mean and
 * standard deviation, and weighted: {@code logit = bias + sum(weight * (x - mean) / std)}. The score
 * is the Platt-calibrated probability. Immutable and thread-safe.
 */
public final class LinearProbe extends HeadBase {
  private final Pooling pooling;
  private final float[] mean;
  private final float[] std;
  private final float[] weight;
  private final float bias;

  private LinearProbe(String name, int[] layers, int hidden, Pooling pooling, float[] mean, float[] std, float[] weight,
      float bias, Calibration calibration, double threshold, Map<String, String> provenance) {
    super(name, layers, hidden, calibration, threshold, provenance);
    this.pooling = pooling;
    this.mean = mean;
    this.std = std;
    this.weight = weight;
    this.bias = bias;
  }

  /** How each tapped layer's tokens are pooled into one vector. */
  public Pooling pooling() {
    return pooling;
  }

  @Override
  public HeadKind kind() {
    return HeadKind.LINEAR_PROBE;
  }

  @Override
  public double logit(CandidateActivations activations) {
    float[] x = pooledFeatures(activations, pooling);
    double z = bias;
    for (int i = 0; i < x.length; i++) {
      z += weight[i] * (((double) x[i] - mean[i]) / std[i]);
    }
    return z;
  }

  @Override
  Map<String, Tensor> weights() {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("mean", Tensor.vector(mean));
    p.put("std", Tensor.vector(std));
    p.put("weight", Tensor.vector(weight));
    p.put("bias", Tensor.vector(bias));
    return p;
  }

  @Override
  Map<String, String> structure() {
    return Map.of(Head.META_POOLING, pooling.name());
  }

  static LinearProbe fromParameters(String name, int[] layers, int hidden, Map<String, Tensor> p, Map<String, String> meta) {
    int d = layers.length * hidden;
    float[] mean = Heads.vector(name, p, "mean", d);
    float[] std = Heads.vector(name, p, "std", d);
    for (int i = 0; i < d; i++) {
      if (!(std[i] > 0) || !Float.isFinite(std[i])) {
        throw new HeadException("head '" + name + "': tensor 'std' [" + i + "] = " + std[i] + " must be positive");
      }
    }
    float[] weight = Heads.vector(name, p, "weight", d);
    float bias = Heads.vector(name, p, "bias", 1)[0];
    Pooling pooling = Heads.enumValue(name, meta, Head.META_POOLING, Pooling.class);
    return new LinearProbe(name, layers, hidden, pooling, mean, std, weight, bias, Heads.calibration(name, p),
        Heads.threshold(name, meta), Heads.provenance(meta));
  }
}
