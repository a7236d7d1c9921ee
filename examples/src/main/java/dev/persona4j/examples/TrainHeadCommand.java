package dev.persona4j.examples;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.training.heads.HeadSpec;
import dev.persona4j.training.heads.HeadTrainer;
import dev.persona4j.training.heads.LabeledDataset;
import dev.persona4j.training.heads.TrainedHead;
import dev.persona4j.training.heads.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains a classifier head (linear probe or attention head) on a labelled JSONL set with a model's
 * activations, and writes it bound to that model as {@code <out>/<name>.safetensors} and {@code .json}.
 */
@Command(
    name = "train-head",
    description = {
        "Train a classifier head on a labelled JSONL set with a model's activations and save it bound to the model.",
        "Lines: {\"text\": ..., \"label\": ...} or {\"prompt\": ..., \"reply\": ..., \"label\": ...}; labels are "
            + "true/false, 0/1, or strings mapped with --positive/--negative."})
final class TrainHeadCommand implements Callable<Integer> {
  /** The head kinds a user can train. */
  enum Kind {
    LINEAR,
    ATTENTION
  }

  @Spec CommandSpec spec;

  @Mixin HeadTrainingOptions input;

  @Option(names = "--kind", defaultValue = "linear", description = "linear (probe over pooled activations) or "
      + "attention (attention block over every token). Default: ${DEFAULT-VALUE}.")
  Kind kind;

  @Option(names = "--layer", paramLabel = "N", description = "A hidden-state index to read (repeat for several; "
      + "0 = embeddings, layers = final norm). Default: the middle of the model, layers/2.")
  List<Integer> layers;

  @Option(names = "--name", description = "The head's name and file name. Default: the data file's name and the kind.")
  String name;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    String headName = name != null ? name : defaultName(input.data, kind);
    if (!HeadFiles.isFileSafeName(headName)) {
      throw new InvalidSettingException("--name", "'" + headName + "'",
          "names the head's files: 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    TrainingOptions options = input.trainingOptions(stderr);
    LabeledDataset dataset = input.read();
    if (kind == Kind.ATTENTION && spec.commandLine().getParseResult().hasMatchedOption("--pooling")) {
      stderr.println("note: --pooling applies to linear probes; an attention head reads every token");
    }
    try (LanguageModel lm = Backends.load(input.model)) {
      ModelInfo info = lm.info();
      int[] read = layers == null || layers.isEmpty()
          ? new int[] {HeadTrainer.defaultLayer(info)}
          : layers.stream().mapToInt(Integer::intValue).toArray();
      HeadSpec headSpec = kind == Kind.LINEAR
          ? HeadSpec.linearProbe(headName, read, input.pooling)
          : HeadSpec.attentionHead(headName, read);
      stdout.printf(Locale.ROOT, "training %s on %s (%d layers, hidden %d): %d examples (%d positive) from %s%n",
          headSpec, info.architecture(), info.layers(), info.hiddenSize(), dataset.size(), dataset.positives(), input.data);
      stdout.flush();
      TrainedHead trained = new HeadTrainer().train(lm, dataset, headSpec, options);
      Path weights = trained.save(input.out, info);
      printSummary(stdout, trained.summary());
      stdout.println("wrote " + weights);
      stdout.println("      " + HeadFiles.description(weights));
      stdout.flush();
    }
    return 0;
  }

  static void printSummary(PrintWriter out, TrainedHead.Summary s) {
    out.printf(Locale.ROOT, "validation: accuracy %.4f  AUC %.4f  ECE %.4f  Brier %.4f  (threshold %.3f)%n",
        s.validationAccuracy(), s.validationAuc(), s.expectedCalibrationError(), s.brierScore(), s.threshold());
    out.printf(Locale.ROOT, "training:   accuracy %.4f  %d train / %d validation examples  %d epochs (best %d)  %.1f s%n",
        s.trainAccuracy(), s.trainExamples(), s.validationExamples(), s.epochs(), s.bestEpoch(), s.seconds());
  }

  /** E.g. {@code in_character.jsonl} → {@code in_character-linear}; characters a file name cannot hold become '-'. */
  static String defaultName(Path data, Kind kind) {
    String file = data.getFileName() == null ? "head" : data.getFileName().toString();
    int dot = file.lastIndexOf('.');
    String stem = (dot > 0 ? file.substring(0, dot) : file).replaceAll("[^A-Za-z0-9._-]", "-");
    if (stem.isEmpty() || !Character.isLetterOrDigit(stem.charAt(0))) {
      stem = "head" + stem;
    }
    String suffix = "-" + kind.name().toLowerCase(Locale.ROOT);
    return stem.substring(0, Math.min(stem.length(), 128 - suffix.length())) + suffix;
  }
}
