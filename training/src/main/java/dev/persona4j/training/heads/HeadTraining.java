package dev.persona4j.training.heads;

import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.HeadKind;
import java.util.List;
import java.util.Objects;

/**
 * Trains a head on a loaded model: collects the dataset's activations at the head's layers with
 * {@link ActivationCollector}, then trains with {@link HeadTrainer}. Save the result with {@link
 * TrainedHead#save}.
 */
public final class HeadTraining {
  private HeadTraining() {}

  /**
   * The layer a head reads by default: the middle of the model ({@code layers / 2}), where abstract
   * properties of the text are most linearly readable.
   */
  public static int defaultLayer(ModelInfo info) {
    return info.layers() / 2;
  }

  /**
   * Collects activations and trains. The progress bar of {@code options}, if any, shows collection
   * and then training.
   *
   * @throws dev.persona4j.samplers.InvalidSettingException if a layer of {@code spec} is not a hidden-state index of {@code model}
   * @throws dev.persona4j.training.heads.InvalidDatasetException if the data cannot train a head
   */
  public static TrainedHead train(LanguageModel model, LabeledDataset data, HeadSpec spec, TrainingOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    ActivationCollector.checkLayers(model.info(), spec.layers(), "layer");
    ActivationCollector.Builder collector = ActivationCollector.builder(model).taps(spec.layers())
        .progress(options.progress().orElse(null));
    if (spec.kind() == HeadKind.LINEAR_PROBE) {
      collector.pooling(spec.pooling()); // a probe reads only the pooled vector: keep just that
    }
    List<CandidateActivations> activations = collector.build().collect(data);
    return new HeadTrainer().train(spec, activations, data.labels(), options);
  }
}
