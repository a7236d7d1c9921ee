package dev.persona4j.training.heads;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Pooling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where in the network a property lives: collects a labelled set's activations at every hidden-state
 * index of a loaded model (0..layers), trains the same linear probe on each alone with {@link
 * LayerSweep}, and writes the held-out accuracy and AUC per layer as a table and JSON.
 */
public final class LayerSweeps {
  /** The table's file name. */
  public static final String TABLE_FILE = "sweep.txt";
  /** The JSON file's name. */
  public static final String JSON_FILE = "sweep.json";

  /** The files {@link #write} wrote. */
  public record Outputs(Path table, Path json) {}

  private LayerSweeps() {}

  /**
   * Runs the sweep. Activations are pooled as they are collected, so memory stays at {@code (layers +
   * 1) × hidden} floats per example whatever the texts' lengths.
   */
  public static LayerSweepResult run(LanguageModel model, LabeledDataset data, Pooling pooling, TrainingOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(options, "options");
    List<CandidateActivations> activations = ActivationCollector.builder(model)
        .taps(ActivationCollector.allTaps(model.info()))
        .pooling(pooling)
        .progress(options.progress().orElse(null))
        .build()
        .collect(data);
    return LayerSweep.run(activations, data.labels(), pooling, options);
  }

  /**
   * Writes {@value #TABLE_FILE} and {@value #JSON_FILE} into {@code dir}, creating it if needed.
   */
  public static Outputs write(LayerSweepResult result, Path dir) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(dir, "dir");
    Path table = dir.resolve(TABLE_FILE);
    Path json = dir.resolve(JSON_FILE);
    try {
      Files.createDirectories(dir);
      Files.writeString(table, result.toTable(), StandardCharsets.UTF_8);
      Files.writeString(json, result.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Persona4jException("cannot write the layer sweep into " + dir + ": " + e, e);
    }
    return new Outputs(table, json);
  }
}
