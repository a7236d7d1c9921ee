package dev.persona4j.core.heads;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.samplers.heads.CandidateActivations;
import dev.persona4j.samplers.heads.LayerSweep;
import dev.persona4j.samplers.heads.LayerSweepResult;
import dev.persona4j.samplers.heads.Pooling;
import dev.persona4j.samplers.heads.TrainingOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where in the network a property lives: collects a labelled set's activations at every hidden-state
 * index of a loaded model (0..layers), trains the same linear probe on each alone with {@link
 * LayerSweep}, and writes the held-out accuracy and AUC per layer as a table, JSON and a PNG chart.
 */
public final class LayerSweeps {
  public static final String TABLE_FILE = "sweep.txt";
  public static final String JSON_FILE = "sweep.json";
  public static final String CHART_FILE = "sweep.png";

  /** The files {@link #write} wrote. */
  public record Outputs(Path table, Path json, Path chart) {}

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
   * Writes {@value #TABLE_FILE}, {@value #JSON_FILE} and {@value #CHART_FILE} (800×480) into {@code dir},
   * creating it if needed.
   */
  public static Outputs write(LayerSweepResult result, Path dir) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(dir, "dir");
    Path table = dir.resolve(TABLE_FILE);
    Path json = dir.resolve(JSON_FILE);
    Path chart = dir.resolve(CHART_FILE);
    try {
      Files.createDirectories(dir);
      Files.writeString(table, result.toTable(), StandardCharsets.UTF_8);
      Files.writeString(json, result.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Persona4jException("cannot write the layer sweep into " + dir + ": " + e, e);
    }
    result.writeChart(chart, 800, 480);
    return new Outputs(table, json, chart);
  }
}
