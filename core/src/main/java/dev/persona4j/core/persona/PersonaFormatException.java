package dev.persona4j.core.persona;

import dev.persona4j.Persona4jException;
import java.util.OptionalInt;

/**
 * A persona file, character card or conversation file that cannot be read or written (for a card: a
 * PNG without a card chunk, a chunk that is not base64 of UTF-8 JSON, JSON that is not a card, or a card
 * field of the wrong type): names the file (or source), the field path (e.g. {@code
 * traits[2].examples[0]}) and, where the input is YAML or JSON, the line and column of the offending
 * node.
 */
public class PersonaFormatException extends Persona4jException {
  private final String source;
  private final String fieldPath;
  private final int line;
  private final int column;
  private final String problem;

  /**
   * @param source the file (or a description such as {@code <string>}) the input came from
   * @param fieldPath the path of the field at fault, empty for the whole document
   * @param line 1-based line, or -1 when unknown
   * @param column 1-based column, or -1 when unknown
   * @param problem what is wrong, in words
   */
  public PersonaFormatException(String source, String fieldPath, int line, int column, String problem) {
    this(source, fieldPath, line, column, problem, null);
  }

  public PersonaFormatException(
      String source, String fieldPath, int line, int column, String problem, Throwable cause) {
    super(format(source, fieldPath, line, column, problem), cause);
    this.source = source == null ? "<unknown>" : source;
    this.fieldPath = fieldPath == null ? "" : fieldPath;
    this.line = line > 0 ? line : -1;
    this.column = column > 0 ? column : -1;
    this.problem = problem;
  }

  private static String format(String source, String path, int line, int column, String problem) {
    StringBuilder sb = new StringBuilder(source == null ? "<unknown>" : source);
    if (path != null && !path.isEmpty()) {
      sb.append(": ").append(path);
    }
    if (line > 0) {
      sb.append(" (line ").append(line);
      if (column > 0) {
        sb.append(", column ").append(column);
      }
      sb.append(')');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The file or source the input came from. */
  public String source() {
    return source;
  }

  /** The field path at fault, e.g. {@code lorebook.entries[0].keys}; empty for the whole document. */
  public String fieldPath() {
    return fieldPath;
  }

  /** 1-based line of the offending node, when known. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  /** 1-based column of the offending node, when known. */
  public OptionalInt column() {
    return column > 0 ? OptionalInt.of(column) : OptionalInt.empty();
  }

  /** The problem alone, without source, path or location. */
  public String problem() {
    return problem;
  }
}
