package dev.persona4j.training.heads;

import dev.persona4j.Persona4jException;

/** Training could not run (no DJL engine) or diverged; the message says which and what to change. */
public class HeadTrainingException extends Persona4jException {
  public HeadTrainingException(String message) {
    super(message);
  }

  public HeadTrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
