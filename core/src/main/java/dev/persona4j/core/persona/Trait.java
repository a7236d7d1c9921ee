package dev.persona4j.core.persona;

import java.util.List;
import java.util.Objects;

/**
 * A personality trait: its name, what it means for this character, and concrete examples of it in the
 * character's own words.
 */
public record Trait(String name, String definition, List<String> examples) {
  public Trait {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(definition, "definition");
    examples = List.copyOf(Objects.requireNonNull(examples, "examples"));
    if (name.isBlank()) {
      throw new IllegalArgumentException("a trait needs a name");
    }
  }
}
