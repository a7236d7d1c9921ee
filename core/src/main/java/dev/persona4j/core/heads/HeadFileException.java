package dev.persona4j.core.heads;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A head file cannot be read, written or used: missing, unreadable, not a persona4j head, a tensor
 * or metadata key missing or invalid, or the head was trained on another model than the one it is
 * loaded onto. The message names the file and the tensor or key at fault, or both models and every
 * field in which they differ.
 */
public class HeadFileException extends HeadException {
  private final Path file;
  private final String location;
  private final List<String> differences;

  HeadFileException(Path file, String location, String problem) {
    this(file, location, problem, null);
  }

  HeadFileException(Path file, String location, String problem, Throwable cause) {
    super(file + (location == null ? "" : ": " + location) + ": " + problem, cause);
    this.file = file;
    this.location = location;
    this.differences = List.of();
  }

  /** A head refused by the model it is loaded onto: {@code differences} name the binding fields. */
  HeadFileException(String message, Path file, List<String> differences) {
    super(message);
    this.file = file;
    this.location = null;
    this.differences = List.copyOf(differences);
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The tensor or metadata key at fault, when one part of the file is. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /**
   * When the head was trained on another model: the binding fields that differ, e.g. {@code
   * architecture (llama vs qwen2)}, {@code config.json SHA-256 (…)}; otherwise empty.
   */
  public List<String> differences() {
    return differences;
  }
}
