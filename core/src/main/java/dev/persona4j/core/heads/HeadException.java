package dev.persona4j.core.heads;

import dev.persona4j.Persona4jException;

/**
 * A head cannot be built or fed: its parameters or metadata are missing, misshapen or out of range,
 * or the activations handed to it do not fit it (a missing layer, another hidden size, no tokens).
 * The message names the head and the tensor, key or layer at fault; {@link HeadFileException} adds
 * the file.
 */
public class HeadException extends Persona4jException {
  public HeadException(String message) {
    super(message);
  }

  HeadException(String message, Throwable cause) {
    super(message, cause);
  }
}
