package dev.persona4j.examples;

import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.training.heads.LabeledDataset;
import dev.persona4j.training.heads.TrainingOptions;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** What {@code train-head} and {@code layer-sweep} share: the model, the labelled data and the training run. */
final class HeadTrainingOptions {
  @Option(names = "--model", required = true, description = "A Hugging Face model directory or a GGUF file.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE.jsonl", description = "Labelled examples, one JSON object a line.")
  Path data;

  @Option(names = "--positive", paramLabel = "LABEL", description = "A string label of the positive class (repeatable); "
      + "other strings are negative unless --negative names them.")
  List<String> positives = new ArrayList<>();

  @Option(names = "--negative", paramLabel = "LABEL", description = "A string label of the negative class (repeatable); "
      + "with it, any string named neither way is an error.")
  List<String> negatives = new ArrayList<>();

  @Option(names = "--label-field", paramLabel = "FIELD", description = "The JSON field holding the label (default: ${DEFAULT-VALUE}).")
  String labelField = "label";

  @Option(names = "--pooling", defaultValue = "mean", description = "How a linear probe pools a text's tokens: mean "
      + "or last. Default: ${DEFAULT-VALUE}.")
  Pooling pooling;

  @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Directory for the files written. "
      + "Default: the current directory.")
  Path out;

  @Option(names = "--epochs", defaultValue = "100", paramLabel = "N", description = "Most epochs per head (early "
      + "stopping may end sooner). Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seeds the split (the same for every "
      + "head), the shuffles and the initial weights. Default: ${DEFAULT-VALUE}.")
  long seed;

  LabeledDataset read() {
    return LabeledDataset.readJsonl(data, new LinkedHashSet<>(positives), new LinkedHashSet<>(negatives), labelField);
  }

  /** The trainer's options, its progress bar drawn on {@code progress}. */
  TrainingOptions trainingOptions(PrintWriter progress) {
    if (epochs < 1) {
      throw new InvalidSettingException("--epochs", epochs, "must be >= 1");
    }
    return TrainingOptions.builder().maxEpochs(epochs).seed(seed).progress(progressStream(progress)).build();
  }

  /**
   * The trainer draws its progress bar on a PrintStream; this one forwards to picocli's error writer
   * (so tests and embedding applications can capture it) whenever the bar is flushed, redrawn in place
   * only on a terminal ({@link ProgressOutput}).
   */
  static PrintStream progressStream(PrintWriter writer) {
    OutputStream forward = new OutputStream() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        pending.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        pending.write(b, off, len);
      }

      @Override
      public void flush() {
        writer.write(pending.toString(StandardCharsets.UTF_8));
        writer.flush();
        pending.reset();
      }
    };
    return ProgressOutput.adapt(forward, ProgressOutput.isTerminal());
  }
}
