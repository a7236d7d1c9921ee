package dev.persona4j.core.heads;

import dev.persona4j.Persona4jException;

/** A head's stored parameters or metadata are missing, misshapen or out of range; names the tensor or key. */
public class HeadFormatException extends Persona4jException {
  public HeadFormatException(String message) {
    super(message);
  }
}
