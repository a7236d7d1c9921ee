package dev.persona4j.examples.bench;

import dev.persona4j.Persona4jException;

/** A benchmark step that could not run: a file it could not write or read, a child process that failed. */
public class BenchException extends Persona4jException {
  public BenchException(String message) {
    super(message);
  }

  public BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
