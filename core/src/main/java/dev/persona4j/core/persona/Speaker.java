package dev.persona4j.core.persona;

/** Who says a line: the user, or the character the persona describes. */
public enum Speaker {
  USER("user"),
  CHARACTER("character");

  private final String label;

  Speaker(String label) {
    this.label = label;
  }

  /** The role name used in persona and conversation files: {@code user} or {@code character}. */
  public String label() {
    return label;
  }
}
