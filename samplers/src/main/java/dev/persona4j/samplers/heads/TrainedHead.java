package dev.persona4j.samplers.heads;

import java.util.Objects;

/** A freshly trained head and how its training went. */
public record TrainedHead(Head head, TrainingSummary summary) {
  public TrainedHead {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(summary, "summary");
  }
}
