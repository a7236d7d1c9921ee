package dev.persona4j.core.heads;

import dev.persona4j.Persona4jException;

/** Activations handed to a head do not fit it (missing layer, other hidden size, no tokens). */
public class HeadInputException extends Persona4jException {
  public HeadInputException(String message) {
    super(message);
  }
}
