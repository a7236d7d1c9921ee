package dev.persona4j.core.prompt;

import dev.persona4j.Persona4jException;

/** A prompt that cannot be assembled, e.g. a chat template that rejects every layout of the conversation. */
public class PromptException extends Persona4jException {
  public PromptException(String message) {
    super(message);
  }

  public PromptException(String message, Throwable cause) {
    super(message, cause);
  }
}
