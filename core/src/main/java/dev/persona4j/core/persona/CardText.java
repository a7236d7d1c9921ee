package dev.persona4j.core.persona;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders the structured parts of a persona that a Character Card has no slot for into the card's
 * {@code description} and {@code personality} text, so tools that only read cards still see them.
 */
final class CardText {
  private CardText() {}

  static String description(Persona p) {
    return join(List.of(p.identity(), p.selfKnowledge(), p.description()));
  }

  static String personality(Persona p) {
    List<String> parts = new ArrayList<>();
    parts.add(p.personality());
    if (!p.traits().isEmpty()) {
      StringBuilder sb = new StringBuilder("Traits:");
      for (Trait t : p.traits()) {
        sb.append("\n- ").append(t.name());
        if (!t.definition().isEmpty()) {
          sb.append(": ").append(t.definition());
        }
        if (!t.examples().isEmpty()) {
          sb.append(" Examples: ").append(quoted(t.examples()));
        }
      }
      parts.add(sb.toString());
    }
    Voice v = p.voice();
    if (!v.isEmpty()) {
      List<String> lines = new ArrayList<>();
      if (!v.style().isEmpty()) {
        lines.add("Voice: " + v.style());
      }
      if (!v.vocabulary().isEmpty()) {
        lines.add("Vocabulary: " + String.join(", ", v.vocabulary()));
      }
      if (!v.catchphrases().isEmpty()) {
        lines.add("Catchphrases: " + quoted(v.catchphrases()));
      }
      if (!v.avoid().isEmpty()) {
        lines.add("Never says: " + quoted(v.avoid()));
      }
      parts.add(String.join("\n", lines));
    }
    if (!p.values().isEmpty()) {
      parts.add("Values:" + p.values().stream().map(s -> "\n- " + s).collect(Collectors.joining()));
    }
    if (!p.boundaries().isEmpty()) {
      parts.add("Boundaries:" + p.boundaries().stream()
          .map(b -> "\n- " + b.topic() + ": " + b.response()).collect(Collectors.joining()));
    }
    return join(parts);
  }

  private static String quoted(List<String> items) {
    return items.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining("; "));
  }

  private static String join(List<String> parts) {
    return parts.stream().filter(s -> !s.isEmpty()).collect(Collectors.joining("\n\n"));
  }
}
