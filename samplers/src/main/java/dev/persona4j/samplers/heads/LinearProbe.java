package dev.persona4j.samplers.heads;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logistic regression over pooled activations: each tapped layer is pooled ({@link Pooling#MEAN} or
 * {@link Pooling#LAST}), the layers are concatenated, standardised with the training set's mean and
 * standard deviation, and weighted: {@code logit = bias + sum(weight * (x - mean) / std)}. The score
 * is the Platt-calibrated probability. Immutable and thread-safe.
 */
public final class LinearProbe implements Head {
  private final String name;
  private final int[] layers;
  private final int hidden;
  private final Pooling pooling;
  private final float[] mean;
  private final float[] std;
  private final float[] weight;
  private final float bias;
  private final Calibration calibration;
  private final double threshold;
  private final Map<String, String> provenance;

  LinearProbe(String name, int[] layers, int hidden, Pooling pooling, float[] mean, float[] std, float[] weight,
      float bias, Calibration calibration, double threshold, Map<String, String> provenance) {
    this.name = name;
    this.layers = layers.clone();
    this.hidden = hidden;
    this.pooling = pooling;
    this.mean = mean;
    this.std = std;
    this.weight = weight;
    this.bias = bias;
    this.calibration = calibration;
    this.threshold = threshold;
    this.provenance = Map.copyOf(provenance);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int[] layers() {
    return layers.clone();
  }

  @Override
  public int hiddenSize() {
    return hidden;
  }

  public Pooling pooling() {
    return pooling;
  }

  public Calibration calibration() {
    return calibration;
  }

  @Override
  public double threshold() {
    return threshold;
  }

  @Override
  public HeadKind kind() {
    return HeadKind.LINEAR_PROBE;
  }

  @Override
  public double logit(CandidateActivations activations) {
    float[] x = features(activations, layers, hidden, pooling, name);
    return logitOfFeatures(x);
  }

  double logitOfFeatures(float[] x) {
    double z = bias;
    for (int i = 0; i < x.length; i++) {
      z += weight[i] * (((double) x[i] - mean[i]) / std[i]);
    }
    return z;
  }

  @Override
  public double score(CandidateActivations activations) {
    return calibration.probability(logit(activations));
  }

  /** The pooled, concatenated (not yet standardised) feature vector a probe reads. */
  static float[] features(CandidateActivations a, int[] layers, int hidden, Pooling pooling, String head) {
    Heads.checkInput(head, layers, hidden, a);
    float[] x = new float[layers.length * hidden];
    for (int l = 0; l < layers.length; l++) {
      pooling.pool(a.layer(layers[l]), x, l * hidden);
    }
    return x;
  }

  @Override
  public Map<String, Tensor> parameters() {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("mean", Tensor.vector(mean));
    p.put("std", Tensor.vector(std));
    p.put("weight", Tensor.vector(weight));
    p.put("bias", Tensor.vector(bias));
    p.put("calibration", calibration.toTensor());
    return p;
  }

  @Override
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>(provenance);
    m.put(Heads.META_POOLING, pooling.name());
    m.put(Heads.META_THRESHOLD, Double.toString(threshold));
    return m;
  }

  static LinearProbe fromParameters(String name, int[] layers, int hidden, Map<String, Tensor> p, Map<String, String> meta) {
    int d = layers.length * hidden;
    float[] mean = Heads.vector(name, p, "mean", d);
    float[] std = Heads.vector(name, p, "std", d);
    for (int i = 0; i < d; i++) {
      if (!(std[i] > 0) || !Float.isFinite(std[i])) {
        throw new HeadFormatException("head '" + name + "': tensor 'std' [" + i + "] = " + std[i] + " must be positive");
      }
    }
    float[] weight = Heads.vector(name, p, "weight", d);
    float bias = Heads.vector(name, p, "bias", 1)[0];
    Calibration cal = Calibration.fromTensor(name, Heads.require(name, p, "calibration"));
    Pooling pooling = Heads.enumValue(name, meta, Heads.META_POOLING, Pooling.class);
    double threshold = Heads.threshold(name, meta);
    return new LinearProbe(name, layers, hidden, pooling, mean, std, weight, bias, cal, threshold, Heads.provenance(meta));
  }

  @Override
  public String toString() {
    return "LinearProbe{name=" + name + ", layers=" + Arrays.toString(layers) + ", pooling=" + pooling + "}";
  }
}
