package dev.persona4j.core.persona;

import java.util.Objects;

/** A topic the character declines, and how it declines, in its own voice. */
public record Boundary(String topic, String response) {
  public Boundary {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(response, "response");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("a boundary needs a topic");
    }
  }
}
