package dev.persona4j.core.heads;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A head file cannot be read or written: missing, unreadable, not a persona4j head, or a tensor or
 * metadata key is missing or invalid. The message names the file and the tensor or key at fault.
 */
public class HeadFileException extends HeadFormatException {
  private final Path file;
  private final String location;

  public HeadFileException(Path file, String location, String problem) {
    this(file, location, problem, null);
  }

  public HeadFileException(Path file, String location, String problem, Throwable cause) {
    super(file + (location == null ? "" : ": " + location) + ": " + problem);
    this.file = file;
    this.location = location;
    if (cause != null) {
      initCause(cause);
    }
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The tensor or metadata key at fault, when one part of the file is. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }
}
