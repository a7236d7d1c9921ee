package dev.persona4j.training.heads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.internal.Json;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Held-out accuracy and AUC of a probe at each layer, as a table or JSON (the examples draw it as a chart). */
public final class LayerSweepResult {
  /** One layer's figures on the validation split. */
  public record LayerScore(int layer, double heldOutAccuracy, double heldOutAuc, double brier, int epochs) {}

  private final Pooling pooling;
  private final int examples;
  private final List<LayerScore> scores;

  public LayerSweepResult(Pooling pooling, int examples, List<LayerScore> scores) {
    this.pooling = Objects.requireNonNull(pooling, "pooling");
    this.examples = examples;
    this.scores = List.copyOf(scores);
    if (this.scores.isEmpty()) {
      throw new IllegalArgumentException("a sweep result needs at least one layer");
    }
  }

  public List<LayerScore> scores() {
    return scores;
  }

  public Pooling pooling() {
    return pooling;
  }

  public int examples() {
    return examples;
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

  @Override
  public String toString() {
    return toTable();
  }
}
