package dev.persona4j.examples.demo;

import dev.persona4j.Persona4jException;

/**
 * A failure of the demo corpus or tokenizer tooling: a malformed phrase bank, an unreadable persona
 * file, an output directory that cannot be written. The message names the bank, file or value.
 */
public class CorpusException extends Persona4jException {
  public CorpusException(String message) {
    super(message);
  }

  public CorpusException(String message, Throwable cause) {
    super(message, cause);
  }
}
