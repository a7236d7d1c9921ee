package dev.persona4j.core.heads;

import dev.persona4j.Persona4jException;
import java.nio.file.Path;
import java.util.List;

/**
 * A stored head was trained on another model than the one it is being loaded onto. The message
 * names the head, its file, both models and every field that differs (architecture, layer count,
 * hidden size, vocabulary size, config.json SHA-256).
 */
public class HeadBindingException extends Persona4jException {
  private final Path file;
  private final List<String> differences;

  public HeadBindingException(Path file, List<String> differences, String message) {
    super(message);
    this.file = file;
    this.differences = List.copyOf(differences);
  }

  /** The head file that was refused. */
  public Path file() {
    return file;
  }

  /** The binding fields that differ, e.g. {@code architecture}, {@code config_sha256}. */
  public List<String> differences() {
    return differences;
  }
}
