package dev.persona4j.core.checkpoint;

import dev.persona4j.Persona4jException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model directory or one of its files cannot be used: a file is missing or unreadable, a JSON
 * field is missing or has the wrong type, a safetensors header is inconsistent, or a tensor is
 * missing or has the wrong shape. The message always names the file and the field or tensor.
 */
public class CheckpointException extends Persona4jException {
  private final Path file;
  private final String location;

  /**
   * @param file the file at fault (or the model directory when a file is missing)
   * @param location the field path or tensor name at fault; {@code null} when the whole file is
   *     at fault
   * @param problem what is wrong, in a sentence fragment
   */
  public CheckpointException(Path file, String location, String problem) {
    this(file, location, problem, null);
  }

  public CheckpointException(Path file, String location, String problem, Throwable cause) {
    super(format(file, location, problem), cause);
    this.file = file;
    this.location = location;
  }

  private static String format(Path file, String location, String problem) {
    StringBuilder sb = new StringBuilder().append(file);
    if (location != null) {
      sb.append(": ").append(location);
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The file at fault (or the model directory when a required file is missing). */
  public Path file() {
    return file;
  }

  /** The field path or tensor name at fault, when one part of the file is. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }
}
