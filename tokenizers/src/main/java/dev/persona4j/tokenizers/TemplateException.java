package dev.persona4j.tokenizers;

import dev.persona4j.Persona4jException;
import java.util.OptionalInt;

/**
 * A chat template failed to compile or to render.
 *
 * <p>{@link #raisedByTemplate()} tells apart a template that deliberately refused its input (through
 * {@code raise_exception(message)}, e.g. "Conversation roles must alternate ...") from a template that is
 * itself broken (a syntax error, an unknown filter, a type error while rendering). In the first case
 * {@link #templateMessage()} is exactly the message the template gave. {@link #limitReached()} tells
 * that rendering was cut short: a limit on nesting, recursion, loop iterations or evaluations, or the
 * caller's stop condition ({@link ChatTemplate#stoppingWhen}); another layout of the same input would
 * not fare better.
 */
public class TemplateException extends Persona4jException {
  private final String templateMessage;
  private final boolean raisedByTemplate;
  private final int line;
  private boolean limitReached;

  public TemplateException(String templateMessage, boolean raisedByTemplate, int line) {
    super(describe(templateMessage, raisedByTemplate, line));
    this.templateMessage = templateMessage;
    this.raisedByTemplate = raisedByTemplate;
    this.line = line;
  }

  public TemplateException(String templateMessage, boolean raisedByTemplate, int line, Throwable cause) {
    super(describe(templateMessage, raisedByTemplate, line), cause);
    this.templateMessage = templateMessage;
    this.raisedByTemplate = raisedByTemplate;
    this.line = line;
  }

  /** The message of the failure, without location: the template's own text when {@link #raisedByTemplate()}. */
  public String templateMessage() {
    return templateMessage;
  }

  /** True when the template itself aborted rendering through {@code raise_exception(message)}. */
  public boolean raisedByTemplate() {
    return raisedByTemplate;
  }

  /** A render cut short by a limit or by the caller's stop condition. */
  static TemplateException limit(String message, int line) {
    TemplateException e = new TemplateException(message, false, line);
    e.limitReached = true;
    return e;
  }

  /** True when rendering was cut short by a limit or by the caller's stop condition. */
  public boolean limitReached() {
    return limitReached;
  }

  /** The 1-based template line the failure was reported at, when known. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  private static String describe(String message, boolean raised, int line) {
    String where = line > 0 ? " (template line " + line + ")" : "";
    return (raised ? "chat template raised an exception: " : "chat template error: ") + message + where;
  }
}
