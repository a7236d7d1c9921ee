package dev.persona4j;

/**
 * The root of persona4j's exceptions. Every failure the library reports on purpose is one of these,
 * and its message names what was at fault: the file, the field path, the tensor or the value.
 *
 * <p>It lives in the lowest module (tokenizers) so that every module can extend it without the lower
 * modules knowing anything of core.
 */
public class Persona4jException extends RuntimeException {
  public Persona4jException(String message) {
    super(message);
  }

  public Persona4jException(String message, Throwable cause) {
    super(message, cause);
  }
}
