package dev.persona4j.samplers.vectors;

import dev.persona4j.samplers.heads.Calibration;
import dev.persona4j.samplers.heads.CandidateActivations;
import dev.persona4j.samplers.heads.Head;
import dev.persona4j.samplers.heads.HeadFormatException;
import dev.persona4j.samplers.heads.HeadInputException;
import dev.persona4j.samplers.heads.HeadKind;
import dev.persona4j.samplers.heads.Heads;
import dev.persona4j.samplers.heads.InvalidDatasetException;
import dev.persona4j.samplers.heads.Metrics;
import dev.persona4j.samplers.heads.Pooling;
import dev.persona4j.samplers.heads.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A persona direction at one layer: the mean pooled activation of in-character examples minus that of
 * out-of-character ones. Projecting a candidate onto it gives a score usable like any {@link Head}
 * (sigmoid-calibrated on the examples it came from); adding it to the residual stream is what core's
 * steering does. Immutable and thread-safe.
 */
public final class PersonaVector implements Head {
  private final String name;
  private final int layer;
  private final Pooling pooling;
  private final float[] direction;
  private final double[] unit;
  private final boolean normalised;
  private final Calibration calibration;
  private final double threshold;
  private final Map<String, String> provenance;

  private PersonaVector(String name, int layer, Pooling pooling, float[] direction, boolean normalised,
      Calibration calibration, double threshold, Map<String, String> provenance) {
    this.name = name;
    this.layer = layer;
    this.pooling = pooling;
    this.direction = direction;
    this.normalised = normalised;
    this.calibration = calibration;
    this.threshold = threshold;
    this.provenance = Map.copyOf(provenance);
    double norm = norm(direction);
    if (!(norm > 0)) {
      throw new HeadFormatException("persona vector '" + name + "': direction has zero length");
    }
    this.unit = new double[direction.length];
    for (int i = 0; i < direction.length; i++) {
      unit[i] = direction[i] / norm;
    }
  }

  /**
   * The difference of mean pooled activations at {@code layer} between the two example sets.
   *
   * @param normalise scale the direction to unit length (the score is the same either way; it changes
   *     what a steering coefficient means)
   * @throws InvalidDatasetException when a set is empty, or the sets' means coincide
   */
  public static PersonaVector fromExamples(String name, int layer, List<CandidateActivations> inCharacter,
      List<CandidateActivations> outOfCharacter, Pooling pooling, boolean normalise) {
    Objects.requireNonNull(pooling, "pooling");
    if (name == null || name.isBlank()) {
      throw new InvalidDatasetException("a persona vector needs a non-blank name");
    }
    if (inCharacter == null || inCharacter.isEmpty() || outOfCharacter == null || outOfCharacter.isEmpty()) {
      throw new InvalidDatasetException("persona vector '" + name + "' needs in-character and out-of-character examples ("
          + size(inCharacter) + " and " + size(outOfCharacter) + " given)");
    }
    int hidden = hiddenOf(name, layer, inCharacter.get(0), "inCharacter[0]");
    double[] meanIn = mean(name, layer, hidden, pooling, inCharacter, "inCharacter");
    double[] meanOut = mean(name, layer, hidden, pooling, outOfCharacter, "outOfCharacter");
    float[] dir = new float[hidden];
    for (int i = 0; i < hidden; i++) {
      dir[i] = (float) (meanIn[i] - meanOut[i]);
    }
    double norm = norm(dir);
    if (!(norm > 0)) {
      throw new InvalidDatasetException("persona vector '" + name + "': in- and out-of-character means are identical at layer " + layer);
    }
    if (normalise) {
      for (int i = 0; i < hidden; i++) {
        dir[i] = (float) (dir[i] / norm);
      }
    }
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("examples.in_character", Integer.toString(inCharacter.size()));
    provenance.put("examples.out_of_character", Integer.toString(outOfCharacter.size()));
    PersonaVector raw = new PersonaVector(name, layer, pooling, dir, normalise, Calibration.IDENTITY, 0.5, provenance);

    int n = inCharacter.size() + outOfCharacter.size();
    double[] projections = new double[n];
    int[] labels = new int[n];
    int k = 0;
    for (CandidateActivations a : inCharacter) {
      projections[k] = raw.project(a);
      labels[k++] = 1;
    }
    for (CandidateActivations a : outOfCharacter) {
      projections[k++] = raw.project(a);
    }
    Calibration cal = Calibration.fit(projections, labels);
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = cal.probability(projections[i]);
    }
    double threshold = Metrics.bestThreshold(p, labels);
    provenance.put("fit.accuracy", String.format(Locale.ROOT, "%.4f", Metrics.accuracy(p, labels, threshold)));
    provenance.put("fit.auc", String.format(Locale.ROOT, "%.4f", Metrics.rocAuc(projections, labels)));
    return new PersonaVector(name, layer, pooling, dir, normalise, cal, threshold, provenance);
  }

  /** The direction core's steering adds to the residual stream entering {@link #layer()} (a copy). */
  public float[] direction() {
    return direction.clone();
  }

  /** The hidden-state index the direction lives at. */
  public int layer() {
    return layer;
  }

  public Pooling pooling() {
    return pooling;
  }

  /** Whether {@link #direction()} has unit length. */
  public boolean normalised() {
    return normalised;
  }

  public Calibration calibration() {
    return calibration;
  }

  /** The scalar projection of the candidate's pooled activation onto the unit direction. */
  public double project(CandidateActivations activations) {
    Objects.requireNonNull(activations, "activations");
    int hidden = direction.length;
    if (activations.hiddenSize() != hidden) {
      throw new HeadInputException("persona vector '" + name + "' expects hidden size " + hidden + ", activations have "
          + activations.hiddenSize());
    }
    if (!activations.hasLayer(layer)) {
      throw new HeadInputException("persona vector '" + name + "' reads layer " + layer + ", activations hold layers "
          + Arrays.toString(activations.layers()));
    }
    float[] pooled = new float[hidden];
    pooling.pool(activations.layer(layer), pooled, 0);
    double s = 0;
    for (int i = 0; i < hidden; i++) {
      s += pooled[i] * unit[i];
    }
    return s;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int[] layers() {
    return new int[] {layer};
  }

  @Override
  public int hiddenSize() {
    return direction.length;
  }

  @Override
  public double logit(CandidateActivations activations) {
    return project(activations);
  }

  @Override
  public double score(CandidateActivations activations) {
    return calibration.probability(project(activations));
  }

  @Override
  public double threshold() {
    return threshold;
  }

  @Override
  public HeadKind kind() {
    return HeadKind.PERSONA_VECTOR;
  }

  @Override
  public Map<String, Tensor> parameters() {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("direction", Tensor.vector(direction));
    p.put("calibration", Tensor.vector((float) calibration.slope(), (float) calibration.intercept()));
    return p;
  }

  @Override
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>(provenance);
    m.put(Heads.META_POOLING, pooling.name());
    m.put(Heads.META_NORMALISED, Boolean.toString(normalised));
    m.put(Heads.META_THRESHOLD, Double.toString(threshold));
    return m;
  }

  /** Rebuilds a persona vector; use {@link Heads#fromParameters} rather than calling this directly. */
  public static PersonaVector fromParameters(String name, int[] layers, int hiddenSize, Map<String, Tensor> parameters,
      Map<String, String> metadata) {
    if (layers.length != 1) {
      throw new HeadFormatException("persona vector '" + name + "': reads exactly one layer, got " + Arrays.toString(layers));
    }
    Tensor d = parameters.get("direction");
    if (d == null || !Arrays.equals(d.shape(), new long[] {hiddenSize})) {
      throw new HeadFormatException("persona vector '" + name + "': tensor 'direction' "
          + (d == null ? "is missing" : "has shape " + Arrays.toString(d.shape())) + ", expected [" + hiddenSize + "]");
    }
    float[] dir = d.data();
    for (int i = 0; i < dir.length; i++) {
      if (!Float.isFinite(dir[i])) {
        throw new HeadFormatException("persona vector '" + name + "': tensor 'direction' [" + i + "] = " + dir[i] + " is not finite");
      }
    }
    Tensor c = parameters.get("calibration");
    if (c == null || c.size() != 2) {
      throw new HeadFormatException("persona vector '" + name + "': tensor 'calibration' must hold 2 values");
    }
    Calibration cal;
    try {
      cal = new Calibration(c.data()[0], c.data()[1]);
    } catch (HeadFormatException e) {
      throw new HeadFormatException("persona vector '" + name + "': tensor 'calibration': " + e.getMessage());
    }
    String poolingText = metadata.get(Heads.META_POOLING);
    Pooling pooling;
    try {
      pooling = Pooling.valueOf(String.valueOf(poolingText).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new HeadFormatException("persona vector '" + name + "': metadata 'pooling' = '" + poolingText + "' is not one of "
          + Arrays.toString(Pooling.values()));
    }
    boolean normalised = Boolean.parseBoolean(metadata.getOrDefault(Heads.META_NORMALISED, "false"));
    String thresholdText = metadata.getOrDefault(Heads.META_THRESHOLD, "0.5");
    double threshold;
    try {
      threshold = Double.parseDouble(thresholdText);
    } catch (NumberFormatException e) {
      threshold = Double.NaN;
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new HeadFormatException("persona vector '" + name + "': metadata 'threshold' = '" + thresholdText + "' must be in [0, 1]");
    }
    Map<String, String> provenance = new LinkedHashMap<>(metadata);
    provenance.remove(Heads.META_POOLING);
    provenance.remove(Heads.META_NORMALISED);
    provenance.remove(Heads.META_THRESHOLD);
    return new PersonaVector(name, layers[0], pooling, dir, normalised, cal, threshold, provenance);
  }

  @Override
  public String toString() {
    return "PersonaVector{name=" + name + ", layer=" + layer + ", pooling=" + pooling + ", normalised=" + normalised + "}";
  }

  private static int size(List<?> l) {
    return l == null ? 0 : l.size();
  }

  private static int hiddenOf(String name, int layer, CandidateActivations a, String where) {
    if (a == null) {
      throw new InvalidDatasetException("persona vector '" + name + "': " + where + " is null");
    }
    if (!a.hasLayer(layer)) {
      throw new InvalidDatasetException("persona vector '" + name + "': " + where + " lacks layer " + layer
          + " (has " + Arrays.toString(a.layers()) + ")");
    }
    return a.hiddenSize();
  }

  private static double[] mean(String name, int layer, int hidden, Pooling pooling, List<CandidateActivations> set, String what) {
    double[] sum = new double[hidden];
    float[] pooled = new float[hidden];
    for (int i = 0; i < set.size(); i++) {
      CandidateActivations a = set.get(i);
      hiddenOf(name, layer, a, what + "[" + i + "]");
      if (a.hiddenSize() != hidden) {
        throw new InvalidDatasetException("persona vector '" + name + "': " + what + "[" + i + "] has hidden size "
            + a.hiddenSize() + ", expected " + hidden);
      }
      pooling.pool(a.layer(layer), pooled, 0);
      for (int j = 0; j < hidden; j++) {
        sum[j] += pooled[j];
      }
    }
    for (int j = 0; j < hidden; j++) {
      sum[j] /= set.size();
    }
    return sum;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    return Math.sqrt(s);
  }
}
