package dev.persona4j.core.prompt;

import dev.persona4j.Persona4jException;

/**
 * A prompt that cannot be assembled: a chat template that rejects every layout of the conversation, or
 * a token budget that even the smallest prompt (the persona definition and the latest user turn, with no
 * history, examples or lore) does not fit; the message says how many tokens it needs, and for the full
 * definition style how many the compact one would.
 */
public class PromptException extends Persona4jException {
  public PromptException(String message) {
    super(message);
  }

  public PromptException(String message, Throwable cause) {
    super(message, cause);
  }
}
