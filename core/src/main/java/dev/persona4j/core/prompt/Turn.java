package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Speaker;
import java.util.Objects;

/** One message of a conversation: who said it and what. */
public record Turn(Speaker speaker, String text) {
  public Turn {
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(text, "text");
  }

  public static Turn user(String text) {
    return new Turn(Speaker.USER, text);
  }

  public static Turn character(String text) {
    return new Turn(Speaker.CHARACTER, text);
  }
}
