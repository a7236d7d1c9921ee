package dev.persona4j.training.heads;

import dev.persona4j.core.heads.Calibration;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.PersonaVector;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.core.heads.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Fits {@link PersonaVector}s ({@link HeadTrainer#personaVector}): the difference of mean pooled
 * activations between in-character and out-of-character examples, calibrated on those examples. Pure
 * Java; no DJL needed.
 */
final class PersonaVectors {
  private PersonaVectors() {}

  /**
   * The difference of mean pooled activations at {@code layer} between the two example sets.
   *
   * @param normalise scale the direction to unit length (the score is the same either way; it changes
   *     what a steering coefficient means)
   * @throws HeadTrainingException when a set is empty, or the sets' means coincide
   */
  static PersonaVector fromExamples(String name, int layer, List<CandidateActivations> inCharacter,
      List<CandidateActivations> outOfCharacter, Pooling pooling, boolean normalise) {
    PersonaVector raw = direction(name, layer, inCharacter, outOfCharacter, pooling, normalise);
    List<CandidateActivations> all = new ArrayList<>(inCharacter);
    all.addAll(outOfCharacter);
    int[] labels = new int[all.size()];
    Arrays.fill(labels, 0, inCharacter.size(), 1);
    return calibrated(raw, all, labels).head();
  }

  /**
   * The difference of means over the {@code train} examples, calibrated on the {@code heldOut} ones;
   * the summary's figures are the held-out ones (calibrated on them, so mildly optimistic, as for
   * the trained heads).
   */
  static TrainedHead fitAndCalibrate(String name, int layer, List<CandidateActivations> examples, int[] labels,
      int[] train, int[] heldOut, Pooling pooling, boolean normalise) {
    long started = System.nanoTime();
    List<CandidateActivations> in = new ArrayList<>();
    List<CandidateActivations> out = new ArrayList<>();
    for (int i : train) {
      (labels[i] == 1 ? in : out).add(examples.get(i));
    }
    PersonaVector raw = direction(name, layer, in, out, pooling, normalise);
    List<CandidateActivations> held = new ArrayList<>(heldOut.length);
    int[] heldLabels = new int[heldOut.length];
    for (int k = 0; k < heldOut.length; k++) {
      held.add(examples.get(heldOut[k]));
      heldLabels[k] = labels[heldOut[k]];
    }
    Fit fit = calibrated(raw, held, heldLabels);
    double[] trainP = new double[train.length];
    int[] trainLabels = new int[train.length];
    for (int k = 0; k < train.length; k++) {
      trainP[k] = fit.calibration().probability(raw.project(examples.get(train[k])));
      trainLabels[k] = labels[train[k]];
    }
    double[] p = fit.probabilities();
    TrainedHead.Summary summary = new TrainedHead.Summary(HeadKind.PERSONA_VECTOR, train.length, heldOut.length, 0, 0,
        Double.NaN, Metrics.logLoss(fit.logits(), heldLabels), Metrics.accuracy(trainP, trainLabels, fit.threshold()),
        Metrics.accuracy(p, heldLabels, fit.threshold()), Metrics.rocAuc(fit.logits(), heldLabels),
        Metrics.expectedCalibrationError(p, heldLabels, 10), Metrics.brier(p, heldLabels), fit.threshold(),
        fit.calibration(), (System.nanoTime() - started) / 1e9);
    return new TrainedHead(fit.head(), summary);
  }

  /** An uncalibrated vector: the direction from {@code outOfCharacter}'s mean to {@code inCharacter}'s. */
  private static PersonaVector direction(String name, int layer, List<CandidateActivations> inCharacter,
      List<CandidateActivations> outOfCharacter, Pooling pooling, boolean normalise) {
    Objects.requireNonNull(pooling, "pooling");
    if (name == null || name.isBlank()) {
      throw new HeadTrainingException("a persona vector needs a non-blank name");
    }
    if (inCharacter == null || inCharacter.isEmpty() || outOfCharacter == null || outOfCharacter.isEmpty()) {
      throw new HeadTrainingException("persona vector '" + name + "' needs in-character and out-of-character examples ("
          + size(inCharacter) + " and " + size(outOfCharacter) + " given)");
    }
    int hidden = hiddenOf(name, layer, inCharacter.get(0), "inCharacter[0]");
    double[] meanIn = mean(name, layer, hidden, pooling, inCharacter, "inCharacter");
    double[] meanOut = mean(name, layer, hidden, pooling, outOfCharacter, "outOfCharacter");
    float[] dir = new float[hidden];
    double norm = 0;
    for (int i = 0; i < hidden; i++) {
      dir[i] = (float) (meanIn[i] - meanOut[i]);
      norm += (double) dir[i] * dir[i];
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) {
      throw new HeadTrainingException("persona vector '" + name + "': in- and out-of-character means are identical at layer " + layer);
    }
    if (normalise) {
      for (int i = 0; i < hidden; i++) {
        dir[i] = (float) (dir[i] / norm);
      }
    }
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("examples.in_character", Integer.toString(inCharacter.size()));
    provenance.put("examples.out_of_character", Integer.toString(outOfCharacter.size()));
    return build(name, layer, pooling, dir, normalise, Calibration.IDENTITY, 0.5, provenance);
  }

  /** A calibrated vector with the projections and probabilities of the examples it was calibrated on. */
  private record Fit(PersonaVector head, Calibration calibration, double threshold, double[] logits,
      double[] probabilities) {}

  /** {@code raw} with Platt scaling and a threshold fitted on {@code examples}, their figures in its metadata. */
  private static Fit calibrated(PersonaVector raw, List<CandidateActivations> examples, int[] labels) {
    int n = examples.size();
    double[] projections = new double[n];
    for (int i = 0; i < n; i++) {
      projections[i] = raw.project(examples.get(i));
    }
    Calibration cal = Calibration.fit(projections, labels);
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = cal.probability(projections[i]);
    }
    double threshold = Metrics.bestThreshold(p, labels);
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("examples.in_character", raw.metadata().get("examples.in_character"));
    provenance.put("examples.out_of_character", raw.metadata().get("examples.out_of_character"));
    provenance.put("fit.accuracy", String.format(Locale.ROOT, "%.4f", Metrics.accuracy(p, labels, threshold)));
    provenance.put("fit.auc", String.format(Locale.ROOT, "%.4f", Metrics.rocAuc(projections, labels)));
    PersonaVector head = build(raw.name(), raw.layer(), raw.pooling(), raw.direction(), raw.normalised(), cal,
        threshold, provenance);
    return new Fit(head, cal, threshold, projections, p);
  }

  private static PersonaVector build(String name, int layer, Pooling pooling, float[] direction, boolean normalised,
      Calibration calibration, double threshold, Map<String, String> provenance) {
    Map<String, Tensor> parameters = new LinkedHashMap<>();
    parameters.put("direction", Tensor.vector(direction));
    parameters.put(Head.CALIBRATION, Tensor.vector((float) calibration.slope(), (float) calibration.intercept()));
    Map<String, String> metadata = new LinkedHashMap<>(provenance);
    metadata.put(Head.META_POOLING, pooling.name());
    metadata.put(Head.META_NORMALISED, Boolean.toString(normalised));
    metadata.put(Head.META_THRESHOLD, Double.toString(threshold));
    return (PersonaVector) Head.fromParameters(HeadKind.PERSONA_VECTOR, name, new int[] {layer}, direction.length,
        parameters, metadata);
  }

  private static int size(List<?> l) {
    return l == null ? 0 : l.size();
  }

  private static int hiddenOf(String name, int layer, CandidateActivations a, String where) {
    if (a == null) {
      throw new HeadTrainingException("persona vector '" + name + "': " + where + " is null");
    }
    if (!a.hasLayer(layer)) {
      throw new HeadTrainingException("persona vector '" + name + "': " + where + " lacks layer " + layer
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
        throw new HeadTrainingException("persona vector '" + name + "': " + what + "[" + i + "] has hidden size "
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
}
