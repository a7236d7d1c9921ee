package dev.persona4j.samplers.rejection;

import dev.persona4j.Persona4jException;

/** Candidates handed to a selection policy cannot be judged (missing or NaN score, repeated index). */
public class SelectionException extends Persona4jException {
  public SelectionException(String message) {
    super(message);
  }
}
