package dev.persona4j.core.prompt;

import java.util.Objects;

/**
 * A run of prompt tokens {@code [start, end)} that came from one part of the prompt. A prompt's sections
 * cover its token ids exactly, in order, without gaps or overlaps; template scaffolding counts towards the
 * part it frames, and the same kind may occur more than once (e.g. lore before and after the definition).
 */
public record Section(Kind kind, int start, int end) {
  /** The parts a prompt is assembled from. */
  public enum Kind {
    /** Instructions and the character definition (always kept), and post-history instructions. */
    PERSONA_DEFINITION,
    /** Example dialogues (dropped whole, after the history, when over budget). */
    EXAMPLES,
    /** Triggered lorebook entries. */
    LORE,
    /** The conversation so far, the latest user turn included (oldest turns dropped first). */
    HISTORY,
    /** What cues the character's reply: the template's generation prompt, or the name and colon. */
    GENERATION_PROMPT
  }

  public Section {
    Objects.requireNonNull(kind, "kind");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad section range [" + start + ", " + end + ")");
    }
  }

  public int length() {
    return end - start;
  }
}
