package dev.persona4j.training.heads;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A line of a labelled JSONL file cannot be used: malformed JSON, a missing or mistyped field, or a
 * label that maps to neither class. The message names the file and the line number (1-based).
 */
public class DatasetFormatException extends InvalidDatasetException {
  private final Path file;
  private final int line;

  public DatasetFormatException(Path file, int line, String problem) {
    this(file, line, problem, null);
  }

  public DatasetFormatException(Path file, int line, String problem, Throwable cause) {
    super(file + (line > 0 ? " line " + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
    if (cause != null) {
      initCause(cause);
    }
  }

  /** The dataset file at fault. */
  public Path file() {
    return file;
  }

  /** The 1-based line at fault, when one line is. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }
}
