package dev.persona4j.training.heads;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.Calibration;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadException;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.PersonaVector;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a head on a loaded model ({@link #train(LanguageModel, LabeledDataset, HeadSpec,
 * TrainingOptions)}: collects the dataset's activations at the head's layers with {@link
 * ActivationCollector}, then trains on them) or on activations already collected. Save the result with
 * {@link TrainedHead#save}.
 *
 * <p>Training on labelled candidate activations uses DJL autograd: a seeded, stratified validation
 * split; AdamW with decoupled weight decay; early stopping on validation loss (the best epoch's
 * weights are kept); Platt calibration and a decision threshold fitted on the validation split.
 * Training runs on the calling thread (several threads may train at once; they take turns for each
 * gradient step); the returned head scores in pure Java.
 */
public final class HeadTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(HeadTrainer.class);
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;
  private static final Object GRADIENT_LOCK = new Object();

  public HeadTrainer() {}

  /**
   * The layer a head reads by default: the middle of the model ({@code layers / 2}), where abstract
   * properties of the text are most linearly readable.
   */
  public static int defaultLayer(ModelInfo info) {
    return info.layers() / 2;
  }

  /**
   * Fits a {@link PersonaVector}: the difference of mean pooled activations at {@code layer} between
   * in-character and out-of-character examples, calibrated on those examples. Pure Java; no DJL needed.
   *
   * @param normalise scale the direction to unit length (the score is the same either way; it changes
   *     what a steering coefficient means)
   * @throws HeadTrainingException when a set is empty, or the sets' means coincide
   */
  public static PersonaVector personaVector(String name, int layer, List<CandidateActivations> inCharacter,
      List<CandidateActivations> outOfCharacter, Pooling pooling, boolean normalise) {
    return PersonaVectors.fromExamples(name, layer, inCharacter, outOfCharacter, pooling, normalise);
  }

  /**
   * Fits a {@link PersonaVector} on the examples outside {@code heldOut} and calibrates it (Platt
   * scaling and threshold) on those in it, whose figures the summary reports: the persona vector's
   * counterpart of {@link #train(HeadSpec, List, int[], int[], TrainingOptions)}.
   *
   * @param labels 1 = in character, 0 = out of character, one per example
   * @throws HeadTrainingException when a side of the split lacks a class, or the means coincide
   */
  public static TrainedHead personaVector(String name, int layer, List<CandidateActivations> examples, int[] labels,
      int[] heldOut, Pooling pooling, boolean normalise) {
    Objects.requireNonNull(examples, "examples");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(heldOut, "heldOut");
    if (examples.size() != labels.length) {
      throw new HeadTrainingException(examples.size() + " examples but " + labels.length + " labels");
    }
    int[][] split = explicitSplit(labels, heldOut);
    return PersonaVectors.fitAndCalibrate(name, layer, examples, labels, split[0], split[1], pooling, normalise);
  }

  /**
   * Collects the dataset's activations on {@code model} and trains. The progress bar of {@code
   * options}, if any, shows collection and then training.
   *
   * @throws InvalidSettingException if a layer of {@code spec} is not a hidden-state index of {@code model}
   * @throws HeadTrainingException if the data cannot train a head
   */
  public TrainedHead train(LanguageModel model, LabeledDataset data, HeadSpec spec, TrainingOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    ActivationCollector.checkLayers(model.info(), spec.layers(), "layer");
    ActivationCollector.Builder collector = ActivationCollector.builder(model).taps(spec.layers())
        .progress(options.progress());
    if (spec.kind() == HeadKind.LINEAR_PROBE) {
      collector.pooling(spec.pooling()); // a probe reads only the pooled vector: keep just that
    }
    return train(spec, collector.build().collect(data), data.labels(), options);
  }

  /**
   * @param labels 1 = positive (e.g. in character), 0 = negative, one per example
   * @throws HeadTrainingException for a single class, fewer than 2 examples of a class, labels other
   *     than 0/1, or examples that lack the spec's layers or disagree on hidden size
   */
  public TrainedHead train(HeadSpec spec, List<CandidateActivations> examples, int[] labels, TrainingOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    int hidden = checkDataset(spec, examples, labels);
    Random random = new Random(options.seed());
    int[][] split = stratifiedSplit(labels, options.validationFraction(), random);
    return train(spec, List.copyOf(examples), labels, split[0], split[1], hidden, random, options);
  }

  /**
   * Trains with a validation split chosen by the caller, e.g. one that keeps every example of a
   * source text on the same side; {@link TrainingOptions#validationFraction()} is not used.
   *
   * @param heldOut the indices of the validation split (early stopping, calibration, the summary's
   *     figures); every other example trains
   * @throws HeadTrainingException as {@link #train(HeadSpec, List, int[], TrainingOptions)}, or when
   *     an index is out of range or repeated, or a side of the split lacks a class
   */
  public TrainedHead train(HeadSpec spec, List<CandidateActivations> examples, int[] labels, int[] heldOut,
      TrainingOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(heldOut, "heldOut");
    Objects.requireNonNull(options, "options");
    int hidden = checkDataset(spec, examples, labels);
    int[][] split = explicitSplit(labels, heldOut);
    return train(spec, List.copyOf(examples), labels, split[0], split[1], hidden, new Random(options.seed()), options);
  }

  private TrainedHead train(HeadSpec spec, List<CandidateActivations> data, int[] labels, int[] train,
      int[] validation, int hidden, Random random, TrainingOptions options) {
    long started = System.nanoTime();

    try (NDManager manager = newManager()) {
      DifferentiableHead net = build(spec, manager, data, train, hidden, random);
      Map<String, NDArray[]> moments = new LinkedHashMap<>();
      net.params.forEach((k, p) -> moments.put(k, new NDArray[] {p.zerosLike(), p.zerosLike()}));

      int[] trainLabels = select(labels, train);
      int[] validationLabels = select(labels, validation);
      Map<String, float[]> best = net.snapshot();
      double bestLoss = Double.POSITIVE_INFINITY;
      int bestEpoch = 0;
      double bestTrainLoss = Double.NaN;
      int epoch = 0;
      int step = 0;
      PrintStream progress = options.progress();
      int[] order = train.clone();
      while (epoch < options.maxEpochs()) {
        epoch++;
        shuffle(order, random);
        double lossSum = 0;
        for (int from = 0; from < order.length; from += options.batchSize()) {
          int[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + options.batchSize()));
          step++;
          lossSum += trainStep(manager, net, batch, labels, moments, step, options.learningRate(spec.kind()),
              options.weightDecay()) * batch.length;
        }
        double trainLoss = lossSum / order.length;
        Map<String, float[]> now = net.snapshot();
        double validationLoss;
        try {
          Head current = net.toHead(now, Calibration.IDENTITY, 0.5, Map.of());
          validationLoss = Metrics.logLoss(logits(current, data, validation), validationLabels);
        } catch (HeadException e) { // a weight became NaN or infinite
          validationLoss = Double.NaN;
        }
        if (!Double.isFinite(validationLoss)) {
          throw new HeadTrainingException("training " + spec + " diverged at epoch " + epoch
              + " (validation loss " + validationLoss + "); lower the learning rate (" + options.learningRate(spec.kind()) + ")");
        }
        if (validationLoss < bestLoss - 1e-7) {
          bestLoss = validationLoss;
          bestEpoch = epoch;
          bestTrainLoss = trainLoss;
          best = now;
        }
        if (progress != null) {
          drawProgress(progress, spec, epoch, options.maxEpochs(), trainLoss, validationLoss, bestLoss, bestEpoch);
        }
        if (epoch - bestEpoch >= options.patience()) {
          break;
        }
      }
      if (progress != null) {
        progress.println();
        progress.flush();
      }

      Head uncalibrated = net.toHead(best, Calibration.IDENTITY, 0.5, Map.of());
      double[] validationLogits = logits(uncalibrated, data, validation);
      double[] trainLogits = logits(uncalibrated, data, train);
      Calibration calibration = Calibration.fit(validationLogits, validationLabels);
      double[] validationP = probabilities(calibration, validationLogits);
      double[] trainP = probabilities(calibration, trainLogits);
      double threshold = Metrics.bestThreshold(validationP, validationLabels);
      double seconds = (System.nanoTime() - started) / 1e9;
      TrainedHead.Summary summary = new TrainedHead.Summary(spec.kind(), train.length, validation.length, epoch, bestEpoch,
          bestTrainLoss, bestLoss, Metrics.accuracy(trainP, trainLabels, threshold),
          Metrics.accuracy(validationP, validationLabels, threshold), Metrics.rocAuc(validationLogits, validationLabels),
          Metrics.expectedCalibrationError(validationP, validationLabels, 10), Metrics.brier(validationP, validationLabels),
          threshold, calibration, seconds);
      Head head = net.toHead(best, calibration, threshold, provenance(summary, options));
      LOG.debug("trained {}: {}", spec, summary);
      return new TrainedHead(head, summary);
    }
  }

  private static double trainStep(NDManager manager, DifferentiableHead net, int[] batch, int[] labels,
      Map<String, NDArray[]> moments, int step, double lr, double weightDecay) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float[] y = new float[batch.length];
      for (int i = 0; i < batch.length; i++) {
        y[i] = labels[batch[i]];
      }
      NDArray target = manager.create(y);
      double loss;
      // DJL allows one open gradient collector per JVM: concurrent trainings take turns per step.
      synchronized (GRADIENT_LOCK) {
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
          NDArray z = net.forward(batch);
          // Binary cross-entropy on logits, in the overflow-free form max(z,0) - z*y + log(1 + e^-|z|).
          NDArray l = z.maximum(0f).sub(z.mul(target)).add(z.abs().neg().exp().add(1f).log()).mean();
          collector.backward(l);
          loss = l.getFloat();
        }
      }
      double correction1 = 1 - Math.pow(BETA1, step);
      double correction2 = 1 - Math.pow(BETA2, step);
      for (Map.Entry<String, NDArray> e : net.params.entrySet()) {
        NDArray p = e.getValue();
        NDArray g = p.getGradient();
        NDArray[] mv = moments.get(e.getKey());
        mv[0].muli(BETA1).addi(g.mul(1 - BETA1));
        mv[1].muli(BETA2).addi(g.square().mul(1 - BETA2));
        NDArray delta = mv[0].div(correction1).div(mv[1].div(correction2).sqrt().add(ADAM_EPS)).mul(lr);
        if (net.decayed.contains(e.getKey()) && weightDecay > 0) {
          delta = delta.add(p.mul(lr * weightDecay));
        }
        // A new leaf instead of an in-place update: PyTorch forbids in-place ops on leaves that require
        // gradients while grad mode is on, and grad mode is on by default on any thread but DJL's first.
        NDArray updated = p.sub(delta).stopGradient();
        updated.setRequiresGradient(true);
        NDScope.unregister(updated);
        e.setValue(updated);
        p.close();
      }
      return loss;
    }
  }

  private static DifferentiableHead build(HeadSpec spec, NDManager manager, List<CandidateActivations> data, int[] train,
      int hidden, Random random) {
    int[] layers = spec.layers();
    int d = layers.length * hidden;
    if (spec.kind() == HeadKind.LINEAR_PROBE) {
      float[][] stats = DifferentiableHead.Probe.statistics(data, train, layers, hidden, spec.pooling(), spec.name());
      return new DifferentiableHead.Probe(manager, data, spec.name(), layers, hidden, spec.pooling(), stats[0], stats[1],
          new float[d], 0f);
    }
    Map<String, float[]> init = DifferentiableHead.Attention.initial(random, d, spec.heads(), spec.headDim(), spec.mlpHidden());
    return new DifferentiableHead.Attention(manager, data, spec.name(), layers, hidden, spec.heads(), spec.headDim(),
        spec.mlpHidden(), init);
  }

  /**
   * The DJL training forward of {@code head} over {@code examples} (no gradients): what the pure-Java
   * {@link Head#logit} must reproduce.
   */
  static double[] differentiableLogits(Head head, List<CandidateActivations> examples) {
    try (NDManager manager = newManager(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      DifferentiableHead net = DifferentiableHead.of(head, manager, examples);
      int[] all = new int[examples.size()];
      Arrays.setAll(all, i -> i);
      float[] z = net.forward(all).toFloatArray();
      double[] out = new double[z.length];
      for (int i = 0; i < z.length; i++) {
        out[i] = z[i];
      }
      return out;
    }
  }

  private static NDManager newManager() {
    try {
      return NDManager.newBaseManager();
    } catch (EngineException e) {
      throw new HeadTrainingException("training a head needs a DJL engine (e.g. ai.djl.pytorch:pytorch-engine with its "
          + "native library) on the classpath: " + e.getMessage(), e);
    }
  }

  static int checkDataset(HeadSpec spec, List<CandidateActivations> examples, int[] labels) {
    if (examples == null || labels == null) {
      throw new HeadTrainingException("examples and labels are required");
    }
    if (examples.size() != labels.length) {
      throw new HeadTrainingException(examples.size() + " examples but " + labels.length + " labels");
    }
    int positives = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new HeadTrainingException("labels[" + i + "] = " + labels[i] + ": labels must be 0 or 1");
      }
      positives += labels[i];
    }
    int negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      throw new HeadTrainingException("labels hold a single class (" + labels.length + " examples, all "
          + (positives == 0 ? 0 : 1) + "): a head needs examples of both classes");
    }
    if (positives < 2 || negatives < 2) {
      throw new HeadTrainingException("need at least 2 examples of each class for a validation split, have "
          + positives + " positive and " + negatives + " negative");
    }
    int hidden = -1;
    for (int i = 0; i < examples.size(); i++) {
      CandidateActivations a = examples.get(i);
      if (a == null) {
        throw new HeadTrainingException("examples[" + i + "] is null");
      }
      if (hidden < 0) {
        hidden = a.hiddenSize();
      } else if (a.hiddenSize() != hidden) {
        throw new HeadTrainingException("examples[" + i + "] has hidden size " + a.hiddenSize() + ", examples[0] has " + hidden);
      }
      for (int l : spec.layers()) {
        if (!a.hasLayer(l)) {
          throw new HeadTrainingException("examples[" + i + "] lacks layer " + l + " that " + spec + " reads (has "
              + Arrays.toString(a.layers()) + ")");
        }
      }
    }
    return hidden;
  }

  /** The sorted train and validation indices of a split whose validation side is {@code heldOut}. */
  static int[][] explicitSplit(int[] labels, int[] heldOut) {
    boolean[] held = new boolean[labels.length];
    for (int i : heldOut) {
      if (i < 0 || i >= labels.length) {
        throw new HeadTrainingException("held-out index " + i + " is outside the " + labels.length + " examples");
      }
      if (held[i]) {
        throw new HeadTrainingException("held-out index " + i + " is listed twice");
      }
      held[i] = true;
    }
    int[][] split = new int[2][];
    for (int side = 0; side <= 1; side++) {
      boolean validation = side == 1;
      split[side] = IntStream.range(0, labels.length).filter(i -> held[i] == validation).toArray();
      int positives = Arrays.stream(split[side]).map(i -> labels[i]).sum();
      if (positives == 0 || positives == split[side].length) {
        throw new HeadTrainingException("the " + (validation ? "held-out" : "training") + " split (" + split[side].length
            + " examples) needs examples of both classes, has " + positives + " positive");
      }
    }
    return split;
  }

  /** Per class, a seeded shuffle puts round(fraction * n) (at least 1, at most n - 1) into validation. */
  static int[][] stratifiedSplit(int[] labels, double fraction, Random random) {
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (int cls = 0; cls <= 1; cls++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == cls) {
          members.add(i);
        }
      }
      java.util.Collections.shuffle(members, random);
      int n = members.size();
      int held = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
      validation.addAll(members.subList(0, held));
      train.addAll(members.subList(held, n));
    }
    return new int[][] {
      train.stream().mapToInt(Integer::intValue).sorted().toArray(),
      validation.stream().mapToInt(Integer::intValue).sorted().toArray()
    };
  }

  private static Map<String, String> provenance(TrainedHead.Summary s, TrainingOptions o) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("trained.examples", Integer.toString(s.trainExamples() + s.validationExamples()));
    m.put("trained.epochs", Integer.toString(s.bestEpoch()));
    m.put("trained.validation_accuracy", String.format(Locale.ROOT, "%.4f", s.validationAccuracy()));
    m.put("trained.validation_auc", String.format(Locale.ROOT, "%.4f", s.validationAuc()));
    m.put("trained.brier", String.format(Locale.ROOT, "%.4f", s.brierScore()));
    m.put("trained.seed", Long.toString(o.seed()));
    return m;
  }

  private static double[] logits(Head head, List<CandidateActivations> data, int[] idx) {
    double[] z = new double[idx.length];
    for (int i = 0; i < idx.length; i++) {
      z[i] = head.logit(data.get(idx[i]));
    }
    return z;
  }

  private static double[] probabilities(Calibration c, double[] logits) {
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = c.probability(logits[i]);
    }
    return p;
  }

  private static int[] select(int[] labels, int[] idx) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = labels[idx[i]];
    }
    return out;
  }

  private static void shuffle(int[] a, Random r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static void drawProgress(PrintStream out, HeadSpec spec, int epoch, int maxEpochs, double trainLoss,
      double validationLoss, double bestLoss, int bestEpoch) {
    int width = 24;
    int filled = (int) Math.round(width * epoch / (double) maxEpochs);
    StringBuilder bar = new StringBuilder("\r").append(spec.name()).append(" [");
    for (int i = 0; i < width; i++) {
      bar.append(i < filled ? '#' : '.');
    }
    bar.append(String.format(Locale.ROOT, "] epoch %d/%d  train %.4f  val %.4f  (best %.4f @ %d)",
        epoch, maxEpochs, trainLoss, validationLoss, bestLoss, bestEpoch));
    out.print(bar);
    out.flush();
  }
}
