package dev.persona4j.core.persona;

import java.util.Objects;

/** One message of a conversation or line of an example dialogue: who said it and what. */
public record Turn(Speaker speaker, String text) {
  public Turn {
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(text, "text");
  }

  /** A message from the user. */
  public static Turn user(String text) {
    return new Turn(Speaker.USER, text);
  }

  /** A message from the character. */
  public static Turn character(String text) {
    return new Turn(Speaker.CHARACTER, text);
  }
}
