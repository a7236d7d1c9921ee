package dev.persona4j.spark;

import dev.persona4j.Persona4jException;

/**
 * Input that persona generation cannot use: a dataset without the persona or conversation column, or
 * with one of the wrong type (thrown by {@link PersonaGeneration#transform}); or a row whose persona
 * cannot be found or whose conversation is empty, malformed or ends with the character's turn (its
 * message goes into that row's {@code error} column and the job goes on).
 */
public class BatchInputException extends Persona4jException {
  /** An input problem; the message names the column or row value at fault. */
  public BatchInputException(String message) {
    super(message);
  }
}
