package dev.persona4j.examples.demo;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link DriftDetector} decided about one reply, with the marker phrase that decided it
 * (absent for an in-character verdict).
 *
 * @param label the decision
 * @param evidence the marker phrase found in the reply, as lower-case words
 */
public record DriftVerdict(DriftLabel label, Optional<String> evidence) {
  public DriftVerdict {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(evidence, "evidence");
  }

  public boolean isInCharacter() {
    return label.isInCharacter();
  }
}
