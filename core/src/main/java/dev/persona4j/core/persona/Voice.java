package dev.persona4j.core.persona;

import java.util.List;
import java.util.Objects;

/**
 * How the character talks: its style in prose, words it uses, catchphrases, and phrasings it never uses.
 */
public record Voice(String style, List<String> vocabulary, List<String> catchphrases, List<String> avoid) {
  private static final Voice EMPTY = new Voice("", List.of(), List.of(), List.of());

  public Voice {
    Objects.requireNonNull(style, "style");
    vocabulary = List.copyOf(Objects.requireNonNull(vocabulary, "vocabulary"));
    catchphrases = List.copyOf(Objects.requireNonNull(catchphrases, "catchphrases"));
    avoid = List.copyOf(Objects.requireNonNull(avoid, "avoid"));
  }

  /** A voice with nothing specified. */
  public static Voice empty() {
    return EMPTY;
  }

  /** True when nothing is specified. */
  public boolean isEmpty() {
    return style.isEmpty() && vocabulary.isEmpty() && catchphrases.isEmpty() && avoid.isEmpty();
  }
}
