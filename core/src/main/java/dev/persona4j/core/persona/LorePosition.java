package dev.persona4j.core.persona;

import java.util.Locale;
import java.util.Optional;

/** Where a lorebook entry goes relative to the character definition. */
public enum LorePosition {
  BEFORE_CHAR,
  AFTER_CHAR;

  /** The name used in persona files and cards: {@code before_char} or {@code after_char}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The position with this label, if any. */
  public static Optional<LorePosition> fromLabel(String label) {
    for (LorePosition p : values()) {
      if (p.label().equals(label)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
