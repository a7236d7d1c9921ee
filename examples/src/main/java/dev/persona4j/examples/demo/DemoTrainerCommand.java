package dev.persona4j.examples.demo;

import dev.persona4j.examples.ProgressOutput;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code persona4j train-demo}: trains the demo model from scratch (see {@link DemoTrainer}). */
@Command(
    name = "train-demo",
    description = "Train the bundled demo model from scratch on the generated persona corpus (CPU, minutes).")
public final class DemoTrainerCommand implements Callable<Integer> {
  private static final DemoTrainerSettings DEFAULTS = DemoTrainerSettings.DEFAULT;

  @Option(names = "--out", required = true, description = "Output model directory.")
  Path out;

  @Option(names = "--personas", description = "Directory with the example personas (default: examples/personas).")
  Path personas;

  @Option(names = "--seed", description = "Seed for corpus, split, initialisation and batch order (default ${DEFAULT-VALUE}).")
  long seed = DEFAULTS.seed();

  @Option(names = "--steps", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
  int steps = DEFAULTS.schedule().steps();

  @Option(names = "--batch", description = "Conversations per batch (default ${DEFAULT-VALUE}).")
  int batch = DEFAULTS.schedule().batchSize();

  @Option(names = "--lr", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  float lr = DEFAULTS.schedule().peakLearningRate();

  @Option(names = "--warm-up", description = "Linear warm-up steps (default ${DEFAULT-VALUE}).")
  int warmUp = DEFAULTS.schedule().warmUpSteps();

  @Option(names = "--hidden", description = "Hidden size (default ${DEFAULT-VALUE}).")
  int hidden = DEFAULTS.model().hiddenSize();

  @Option(names = "--layers", description = "Decoder layers (default ${DEFAULT-VALUE}).")
  int layers = DEFAULTS.model().layers();

  @Option(names = "--heads", description = "Attention heads (default ${DEFAULT-VALUE}).")
  int heads = DEFAULTS.model().heads();

  @Option(names = "--kv-heads", description = "Key/value heads (default ${DEFAULT-VALUE}).")
  int kvHeads = DEFAULTS.model().kvHeads();

  @Option(names = "--intermediate", description = "MLP intermediate size (default ${DEFAULT-VALUE}).")
  int intermediate = DEFAULTS.model().intermediateSize();

  @Option(names = "--vocab", description = "Tokenizer vocabulary size (default ${DEFAULT-VALUE}).")
  int vocab = DEFAULTS.model().vocabularySize();

  @Option(names = "--heads-only", description = "Keep the model in --out; only (re)train its classifier heads.")
  boolean headsOnly;

  @Override
  public Integer call() {
    // One stream for bars and summaries, so a non-terminal gets them in order, one line per milestone.
    PrintStream err = ProgressOutput.stderr();
    if (headsOnly) {
      DemoHeads.train(out, seed, err).forEach((name, summary) -> err.println(name + ": " + summary));
      return 0;
    }
    DemoTrainerSettings.Schedule schedule = DEFAULTS.schedule();
    DemoTrainerSettings settings = new DemoTrainerSettings(seed,
        new DemoTrainerSettings.ModelShape(hidden, layers, heads, kvHeads, intermediate,
            DEFAULTS.model().contextLength(), vocab),
        new DemoTrainerSettings.Schedule(steps, batch, lr, Math.min(warmUp, steps),
            schedule.finalLearningRateFraction(), schedule.weightDecay(), schedule.gradientClipNorm()),
        DEFAULTS.data());
    Path personaDir = personas != null ? personas : CorpusMain.locateExamplePersonas();
    String command = "examples/persona4j train-demo --out " + out + " " + settings.asOptions();
    DemoTrainer.Result r = new DemoTrainer(settings).train(out, personaDir, err, command);
    err.printf(Locale.ROOT, "trained %,d parameters for %d steps in %s (%.0f tokens/s); final loss %.3f;"
            + " wrote %s%n", r.parameters(), r.steps(), DemoTrainer.ProgressBar.clock(r.seconds()),
        r.tokensPerSecond(), r.finalLoss(), r.directory().toAbsolutePath());
    // The heads read the trained model's middle layer, so they are trained after it, on the held-out split.
    DemoHeads.train(out, seed, err).forEach((name, summary) -> err.println(name + ": " + summary));
    return 0;
  }
}
