package dev.persona4j.tokenizers;

import dev.persona4j.Persona4jException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A tokenizer could not be loaded or used: a missing or malformed file, or an id or token outside the
 * vocabulary. The message names the file (and the line and column for malformed JSON).
 */
public class TokenizerException extends Persona4jException {
  private final transient Path file;

  public TokenizerException(Path file, String message) {
    super(prefix(file) + message);
    this.file = file;
  }

  public TokenizerException(Path file, String message, Throwable cause) {
    super(prefix(file) + message, cause);
    this.file = file;
  }

  /** The file at fault, when the failure is tied to one. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  private static String prefix(Path file) {
    return file == null ? "" : file + ": ";
  }
}
