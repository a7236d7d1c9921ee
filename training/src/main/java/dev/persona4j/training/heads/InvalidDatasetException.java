package dev.persona4j.training.heads;

import dev.persona4j.Persona4jException;

/**
 * A labelled training set cannot train a head: a single class, too few examples of a class, labels
 * other than 0/1, or examples whose activations disagree. The message names the example at fault.
 */
public class InvalidDatasetException extends Persona4jException {
  public InvalidDatasetException(String message) {
    super(message);
  }
}
