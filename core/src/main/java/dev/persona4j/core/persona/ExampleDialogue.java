package dev.persona4j.core.persona;

import java.util.List;
import java.util.Objects;

/**
 * One example exchange between the user and the character, showing how the character talks. The prompt
 * assembler keeps or drops an exchange as a whole.
 */
public record ExampleDialogue(List<Turn> lines) {
  public ExampleDialogue {
    Objects.requireNonNull(lines, "lines");
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("an example dialogue needs at least one line");
    }
  }

  public static ExampleDialogue of(Turn... lines) {
    return new ExampleDialogue(List.of(lines));
  }
}
