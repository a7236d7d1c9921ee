package dev.persona4j.examples.demo;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a reply is in character, and if not, which voice it fell into. Written in corpus records
 * as {@code in_character}, {@code generic_assistant} or {@code other_persona:<voice id>}.
 */
public final class DriftLabel {
  /** The kind of drift. */
  public enum Kind { IN_CHARACTER, GENERIC_ASSISTANT, OTHER_PERSONA }

  private static final DriftLabel IN_CHARACTER = new DriftLabel(Kind.IN_CHARACTER, null);
  private static final DriftLabel GENERIC_ASSISTANT = new DriftLabel(Kind.GENERIC_ASSISTANT, null);
  private static final String OTHER_PREFIX = "other_persona:";

  private final Kind kind;
  private final String otherVoice;

  private DriftLabel(Kind kind, String otherVoice) {
    this.kind = kind;
    this.otherVoice = otherVoice;
  }

  public static DriftLabel inCharacter() {
    return IN_CHARACTER;
  }

  public static DriftLabel genericAssistant() {
    return GENERIC_ASSISTANT;
  }

  /** A reply in the voice {@code voiceId} (one of the example persona ids) instead of its own. */
  public static DriftLabel otherPersona(String voiceId) {
    Objects.requireNonNull(voiceId, "voiceId");
    if (voiceId.isBlank() || voiceId.contains(":")) {
      throw new IllegalArgumentException("bad voice id for other_persona label: '" + voiceId + "'");
    }
    return new DriftLabel(Kind.OTHER_PERSONA, voiceId);
  }

  /** Parses the corpus form ({@link #code()}). */
  public static DriftLabel parse(String code) {
    Objects.requireNonNull(code, "code");
    if (code.equals("in_character")) {
      return IN_CHARACTER;
    }
    if (code.equals("generic_assistant")) {
      return GENERIC_ASSISTANT;
    }
    if (code.startsWith(OTHER_PREFIX)) {
      return otherPersona(code.substring(OTHER_PREFIX.length()));
    }
    throw new IllegalArgumentException("unknown drift label '" + code
        + "' (expected in_character, generic_assistant or other_persona:<voice>)");
  }

  public Kind kind() {
    return kind;
  }

  /** The voice drifted into, for {@link Kind#OTHER_PERSONA}. */
  public Optional<String> otherVoice() {
    return Optional.ofNullable(otherVoice);
  }

  public boolean isInCharacter() {
    return kind == Kind.IN_CHARACTER;
  }

  /** The corpus form: in_character, generic_assistant or other_persona:&lt;voice id&gt;. */
  public String code() {
    switch (kind) {
      case IN_CHARACTER:
        return "in_character";
      case GENERIC_ASSISTANT:
        return "generic_assistant";
      default:
        return OTHER_PREFIX + otherVoice;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DriftLabel other && kind == other.kind
        && Objects.equals(otherVoice, other.otherVoice);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, otherVoice);
  }

  @Override
  public String toString() {
    return code();
  }
}
