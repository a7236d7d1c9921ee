package dev.persona4j.training.heads;

import dev.persona4j.Persona4jException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A head cannot be trained: a line of a labelled JSONL file is malformed, misses a field or has a
 * label that maps to neither class (the message names the file and the 1-based line); the data has a
 * single class, too few examples of a class, labels other than 0/1 or examples whose activations
 * disagree (the message names the example); or training could not run or diverged (the message says
 * what to change).
 */
public class HeadTrainingException extends Persona4jException {
  private final Path file;
  private final int line;

  /** An error of the training run itself, e.g. a deadline that passed; no dataset file is at fault. */
  public HeadTrainingException(String message) {
    this(message, null);
  }

  HeadTrainingException(String message, Throwable cause) {
    super(message, cause);
    this.file = null;
    this.line = 0;
  }

  HeadTrainingException(Path file, int line, String problem) {
    this(file, line, problem, null);
  }

  HeadTrainingException(Path file, int line, String problem, Throwable cause) {
    super(file + (line > 0 ? " line " + line : "") + ": " + problem, cause);
    this.file = file;
    this.line = line;
  }

  /** The dataset file at fault, when one is. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line of {@link #file()} at fault, when one line is. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }
}
