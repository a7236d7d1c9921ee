package dev.persona4j.core.backend;

import dev.persona4j.Persona4jException;

/** A backend cannot do what was asked with the input given. */
public class BackendException extends Persona4jException {
  public BackendException(String message) {
    super(message);
  }

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
