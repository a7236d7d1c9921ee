package dev.persona4j.core.persona;

import java.util.Objects;

/** One line of an example dialogue. */
public record DialogueLine(Speaker speaker, String text) {
  public DialogueLine {
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(text, "text");
  }

  public static DialogueLine user(String text) {
    return new DialogueLine(Speaker.USER, text);
  }

  public static DialogueLine character(String text) {
    return new DialogueLine(Speaker.CHARACTER, text);
  }
}
