package dev.persona4j.examples;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.training.heads.LabeledDataset;
import dev.persona4j.training.heads.LayerSweepResult;
import dev.persona4j.training.heads.LayerSweeps;
import dev.persona4j.training.heads.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the same linear probe at every hidden-state index of a model and reports held-out accuracy
 * and AUC per layer: where in the network the labelled property lives.
 */
@Command(
    name = "layer-sweep",
    mixinStandardHelpOptions = true,
    description = "Train a linear probe at every layer on a labelled JSONL set; print accuracy and AUC per layer and "
        + "write sweep.json, sweep.png and sweep.txt.")
final class LayerSweepCommand implements Callable<Integer> {
  static final String CHART_FILE = "sweep.png";

  @Spec CommandSpec spec;

  @Mixin LabelledDataOptions input;

  @Option(names = "--pooling", defaultValue = "mean", description = "mean or last. Default: ${DEFAULT-VALUE}.")
  Pooling pooling;

  @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Directory for sweep.json, sweep.png "
      + "and sweep.txt. Default: the current directory.")
  Path out;

  @Option(names = "--epochs", defaultValue = "100", paramLabel = "N", description = "Most epochs per probe. "
      + "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seeds every probe's split and "
      + "shuffles (the same split at every layer). Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try {
      if (epochs < 1) {
        throw new InvalidSettingException("--epochs", epochs, "must be >= 1");
      }
      TrainingOptions options = TrainingOptions.builder().maxEpochs(epochs).seed(seed)
          .progress(TrainHeadCommand.progressStream(stderr)).build();
      LabeledDataset dataset = input.read();
      LayerSweepResult result;
      try (LanguageModel lm = Backends.load(input.model)) {
        ModelInfo info = lm.info();
        stdout.printf(Locale.ROOT, "sweeping %d hidden states of %s (hidden %d): %d examples (%d positive), %s pooling%n",
            info.layers() + 1, info.architecture(), info.hiddenSize(), dataset.size(), dataset.positives(),
            pooling.name().toLowerCase(Locale.ROOT));
        stdout.flush();
        result = LayerSweeps.run(lm, dataset, pooling, options);
      }
      LayerSweeps.Outputs files = LayerSweeps.write(result, out);
      Path chart = out.resolve(CHART_FILE);
      LayerSweepChart.write(result, chart, 800, 480);
      stdout.print(result.toTable());
      LayerSweepResult.LayerScore best = result.best();
      stdout.printf(Locale.ROOT, "best layer %d: held-out accuracy %.4f, AUC %.4f%n", best.layer(),
          best.heldOutAccuracy(), best.heldOutAuc());
      stdout.println("wrote " + files.json());
      stdout.println("      " + chart);
      stdout.println("      " + files.table());
      stdout.flush();
      return 0;
    } catch (Persona4jException e) {
      stderr.println();
      stderr.println("persona4j layer-sweep: " + e.getMessage());
      stderr.flush();
      return 1;
    }
  }
}
