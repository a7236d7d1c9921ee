package dev.persona4j.training.heads;

import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which layer knows the persona best: trains the same linear probe on each layer's activations alone
 * and reports its held-out (validation split) accuracy and AUC per layer.
 */
final class LayerSweep {
  private LayerSweep() {}

  /** Sweeps every layer the first example holds (all examples must hold them). */
  public static LayerSweepResult run(List<CandidateActivations> examples, int[] labels, Pooling pooling,
      TrainingOptions options) {
    if (examples == null || examples.isEmpty() || examples.get(0) == null) {
      throw new InvalidDatasetException("a layer sweep needs examples");
    }
    int[] layers = examples.get(0).layers();
    Arrays.sort(layers);
    return run(examples, labels, layers, pooling, options);
  }

  /** Sweeps the given layers, in the given order. */
  public static LayerSweepResult run(List<CandidateActivations> examples, int[] labels, int[] layers, Pooling pooling,
      TrainingOptions options) {
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(options, "options");
    if (layers.length == 0) {
      throw new InvalidSettingException("layers", "[]", "a sweep needs at least one layer");
    }
    HeadTrainer trainer = new HeadTrainer();
    List<LayerSweepResult.LayerScore> scores = new ArrayList<>();
    for (int layer : layers) {
      HeadSpec spec = HeadSpec.linearProbe("layer-" + layer, new int[] {layer}, pooling);
      TrainingSummary s = trainer.train(spec, examples, labels, options).summary();
      scores.add(new LayerSweepResult.LayerScore(layer, s.validationAccuracy(), s.validationAuc(), s.brierScore(),
          s.bestEpoch()));
    }
    return new LayerSweepResult(pooling, examples.size(), scores);
  }
}
