package dev.persona4j.examples;

import dev.persona4j.training.heads.LabelMapping;
import dev.persona4j.training.heads.LabeledDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** The model and labelled data that {@code train-head} and {@code layer-sweep} share. */
final class LabelledDataOptions {
  @Option(names = "--model", required = true, description = "A Hugging Face model directory.")
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

  LabelMapping labelMapping() {
    if (positives.isEmpty() && negatives.isEmpty()) {
      return LabelMapping.binary();
    }
    return LabelMapping.of(new LinkedHashSet<>(positives), new LinkedHashSet<>(negatives));
  }

  LabeledDataset read() {
    return LabeledDataset.readJsonl(data, labelMapping(), labelField);
  }
}
