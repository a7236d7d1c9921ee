package dev.persona4j.training.heads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.InvalidSettingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where in the network a property lives: the held-out (validation split) accuracy and AUC of the
 * same linear probe trained on each layer's activations alone. {@link #run} collects a labelled set's
 * activations at every hidden-state index of a loaded model (0..layers) and sweeps them; {@link
 * #write} stores the result as a table and JSON (the examples draw it as a chart).
 *
 * @param pooling how each layer's activations were pooled
 * @param examples how many labelled examples the sweep read
 * @param scores one per layer swept, in sweep order
 */
public record LayerSweep(Pooling pooling, int examples, List<LayerScore> scores) {
  /** The table's file name. */
  public static final String TABLE_FILE = "sweep.txt";
  /** The JSON file's name. */
  public static final String JSON_FILE = "sweep.json";

  /** One layer's figures on the validation split. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record LayerScore(int layer, double heldOutAccuracy, double heldOutAuc, double brier, int epochs) {}

  public LayerSweep {
    Objects.requireNonNull(pooling, "pooling");
    scores = List.copyOf(scores);
    if (scores.isEmpty()) {
      throw new IllegalArgumentException("a sweep result needs at least one layer");
    }
  }

  /**
   * Runs the sweep. Activations are pooled as they are collected, so memory stays at {@code (layers +
   * 1) × hidden} floats per example whatever the texts' lengths.
   */
  public static LayerSweep run(LanguageModel model, LabeledDataset data, Pooling pooling, TrainingOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(options, "options");
    List<CandidateActivations> activations = ActivationCollector.builder(model)
        .taps(ActivationCollector.allTaps(model.info()))
        .pooling(pooling)
        .progress(options.progress())
        .build()
        .collect(data);
    return run(activations, data.labels(), pooling, options);
  }

  /** Sweeps every layer the first example holds (all examples must hold them). */
  static LayerSweep run(List<CandidateActivations> examples, int[] labels, Pooling pooling, TrainingOptions options) {
    if (examples == null || examples.isEmpty() || examples.get(0) == null) {
      throw new HeadTrainingException("a layer sweep needs examples");
    }
    int[] layers = examples.get(0).layers();
    Arrays.sort(layers);
    return run(examples, labels, layers, pooling, options);
  }

  /** Sweeps the given layers, in the given order. */
  static LayerSweep run(List<CandidateActivations> examples, int[] labels, int[] layers, Pooling pooling,
      TrainingOptions options) {
    return run(examples, labels, null, layers, pooling, options);
  }

  /**
   * Sweeps the given layers, in the given order, with the validation split chosen by the caller (see
   * {@link HeadTrainer#train(HeadSpec, List, int[], int[], TrainingOptions)}).
   *
   * @param heldOut the indices of the held-out split; null for a seeded stratified split
   */
  public static LayerSweep run(List<CandidateActivations> examples, int[] labels, int[] heldOut, int[] layers,
      Pooling pooling, TrainingOptions options) {
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(options, "options");
    if (layers.length == 0) {
      throw new InvalidSettingException("layers", "[]", "a sweep needs at least one layer");
    }
    HeadTrainer trainer = new HeadTrainer();
    List<LayerScore> scores = new ArrayList<>();
    for (int layer : layers) {
      HeadSpec spec = HeadSpec.linearProbe("layer-" + layer, new int[] {layer}, pooling);
      TrainedHead.Summary s = (heldOut == null ? trainer.train(spec, examples, labels, options)
          : trainer.train(spec, examples, labels, heldOut, options)).summary();
      scores.add(new LayerScore(layer, s.validationAccuracy(), s.validationAuc(), s.brierScore(), s.bestEpoch()));
    }
    return new LayerSweep(pooling, examples.size(), scores);
  }

  /** The layer with the highest AUC; ties go to higher accuracy, then to the earlier layer. */
  public LayerScore best() {
    return scores.stream()
        .max(Comparator.comparingDouble((LayerScore s) -> nanLow(s.heldOutAuc()))
            .thenComparingDouble(s -> nanLow(s.heldOutAccuracy()))
            .thenComparing(Comparator.comparingInt(LayerScore::layer).reversed()))
        .orElseThrow();
  }

  private static double nanLow(double v) {
    return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
  }

  /** A fixed-width text table, one row per layer, the best marked with {@code *}. */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "layer  accuracy    AUC   Brier  epochs%n"));
    int best = best().layer();
    for (LayerScore s : scores) {
      sb.append(String.format(Locale.ROOT, "%5d  %8.4f  %6.4f  %6.4f  %6d%s%n", s.layer(), s.heldOutAccuracy(),
          s.heldOutAuc(), s.brier(), s.epochs(), s.layer() == best ? "  *" : ""));
    }
    return sb.toString();
  }

  /** {@code {"pooling":..,"examples":..,"best_layer":..,"layers":[{"layer":..,"accuracy":..,...}]}}. */
  public String toJson() {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("pooling", pooling.name());
    root.put("examples", examples);
    root.put("best_layer", best().layer());
    ArrayNode layers = root.putArray("layers");
    for (LayerScore s : scores) {
      ObjectNode layer = layers.addObject();
      layer.put("layer", s.layer());
      putNumber(layer, "accuracy", s.heldOutAccuracy());
      putNumber(layer, "auc", s.heldOutAuc());
      putNumber(layer, "brier", s.brier());
      layer.put("epochs", s.epochs());
    }
    try {
      return Json.mapper().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers always serialises", e);
    }
  }

  private static void putNumber(ObjectNode node, String key, double v) {
    if (Double.isFinite(v)) {
      node.put(key, v);
    } else {
      node.putNull(key);
    }
  }

  /**
   * Writes {@value #TABLE_FILE} and {@value #JSON_FILE} into {@code dir}, creating it if needed, and
   * returns {@code dir}.
   */
  public Path write(Path dir) {
    Objects.requireNonNull(dir, "dir");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(TABLE_FILE), toTable(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(JSON_FILE), toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Persona4jException("cannot write the layer sweep into " + dir + ": " + e, e);
    }
    return dir;
  }

  @Override
  public String toString() {
    return toTable();
  }
}
