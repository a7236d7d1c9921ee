package dev.persona4j.examples;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.training.heads.LabeledDataset;
import dev.persona4j.training.heads.LayerSweep;
import dev.persona4j.training.heads.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Trains the same linear probe at every hidden-state index of a model and reports held-out accuracy
 * and AUC per layer: where in the network the labelled property lives.
 */
@Command(
    name = "layer-sweep",
    description = "Train a linear probe at every layer on a labelled JSONL set; print accuracy and AUC per layer and "
        + "write sweep.json, sweep.png and sweep.txt to --out.")
final class LayerSweepCommand implements Callable<Integer> {
  static final String CHART_FILE = "sweep.png";

  @Spec CommandSpec spec;

  @Mixin HeadTrainingOptions input;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    TrainingOptions options = input.trainingOptions(spec.commandLine().getErr());
    LabeledDataset dataset = input.read();
    LayerSweep result;
    try (LanguageModel lm = Backends.load(input.model)) {
      ModelInfo info = lm.info();
      stdout.printf(Locale.ROOT, "sweeping %d hidden states of %s (hidden %d): %d examples (%d positive), %s pooling%n",
          info.layers() + 1, info.architecture(), info.hiddenSize(), dataset.size(), dataset.positives(),
          input.pooling.name().toLowerCase(Locale.ROOT));
      stdout.flush();
      result = LayerSweep.run(lm, dataset, input.pooling, options);
    }
    result.write(input.out);
    Path chart = input.out.resolve(CHART_FILE);
    LayerSweepChart.write(result, chart, 800, 480);
    stdout.print(result.toTable());
    LayerSweep.LayerScore best = result.best();
    stdout.printf(Locale.ROOT, "best layer %d: held-out accuracy %.4f, AUC %.4f%n", best.layer(),
        best.heldOutAccuracy(), best.heldOutAuc());
    stdout.println("wrote " + input.out.resolve(LayerSweep.JSON_FILE));
    stdout.println("      " + chart);
    stdout.println("      " + input.out.resolve(LayerSweep.TABLE_FILE));
    stdout.flush();
    return 0;
  }
}
