package dev.persona4j.tokenizers;

import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TagCycleException;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.tree.parse.Token;
import com.hubspot.jinjava.tree.parse.TokenScanner;
import dev.persona4j.tokenizers.JinjaEnvironment.RenderState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiled Jinja chat template, rendered with the semantics of transformers'
 * {@code apply_chat_template(..., tokenize=False)}: a sandboxed environment with trim_blocks and
 * lstrip_blocks, loop controls, {@code raise_exception}, {@code strftime_now} and a {@code tojson} that keeps
 * non-ASCII text.
 *
 * <p>A template is untrusted input (it ships with a model): rendering is bounded. Blocks may nest
 * {@value #MAX_NESTING} deep, macros recurse {@value #MAX_MACRO_RECURSION} deep, a render runs at most
 * {@value #MAX_LOOP_ITERATIONS} loop iterations and evaluates at most {@value #MAX_EVALUATIONS}
 * expressions, and its output is at most 64 MiB; past a limit it fails with a {@link TemplateException}
 * naming the limit. {@link #stoppingWhen} stops renders early (a reply's deadline or cancellation).
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ChatTemplate {
  /** The deepest blocks ({@code if}, {@code for}, {@code macro}, ...) may nest. */
  public static final int MAX_NESTING = 100;
  /** The deepest a macro may call itself (Jinja's own limit is Python's recursion limit). */
  public static final int MAX_MACRO_RECURSION = 64;
  /** The most loop iterations one render may run, over all its loops. */
  public static final int MAX_LOOP_ITERATIONS = 100_000;
  /** The most expressions one render may evaluate. */
  public static final int MAX_EVALUATIONS = 200_000;
  /** The stop condition renders on this thread read, set by {@link #stoppingWhen}. */
  private static final ThreadLocal<BooleanSupplier> STOP_WHEN = ThreadLocal.withInitial(() -> () -> false);
  /** Tags that open a block closed by an {@code end...} tag ({@code set} only without {@code =}). */
  private static final Set<String> BLOCK_TAGS = Set.of("if", "for", "macro", "call", "filter", "raw", "block",
      "autoescape", "with", "ifchanged", "unless");
  private static final String BUILTIN_DIR = "/dev/persona4j/tokenizers/templates/";
  private static final Set<String> BUILTINS = Collections.unmodifiableSet(new LinkedHashSet<>(
      List.of("chatml", "llama3", "llama2", "mistral", "gemma", "phi3", "alpaca")));
  /** A filter ({@code | name}) or test ({@code is [not] name}) inside an expression. */
  private static final Pattern FILTER_OR_TEST =
      Pattern.compile("(?<![|])\\|(?![|])\\s*([A-Za-z_][A-Za-z0-9_]*)|\\bis\\s+(?:not\\s+)?([A-Za-z_][A-Za-z0-9_]*)");

  private final String source;
  /** The source with the Jinja syntax Jinjava lacks rewritten (see {@link JinjaSyntax}). */
  private final String executable;
  private final String name;

  private ChatTemplate(String source, String name) {
    this.source = source;
    this.executable = JinjaSyntax.rewrite(source);
    this.name = name;
  }

  /**
   * Compiles a template: checks its block structure, the syntax of every expression (also in branches a
   * given conversation would not reach) and that every filter and test it names exists.
   *
   * @throws TemplateException on a syntax error, with the line when known
   */
  public static ChatTemplate compile(String source) {
    if (source == null) {
      throw new IllegalArgumentException("template source must not be null");
    }
    ChatTemplate template = new ChatTemplate(source, null);
    validate(template.executable);
    return template;
  }

  /**
   * A built-in template for a model family that ships none: {@code chatml}, {@code llama3}, {@code llama2},
   * {@code mistral}, {@code gemma}, {@code phi3}, {@code alpaca}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static ChatTemplate builtin(String name) {
    if (name == null || !BUILTINS.contains(name)) {
      throw new IllegalArgumentException("no built-in chat template named " + name + "; known: " + BUILTINS);
    }
    try (InputStream in = ChatTemplate.class.getResourceAsStream(BUILTIN_DIR + name + ".jinja")) {
      if (in == null) {
        throw new IllegalStateException("built-in template resource missing: " + name);
      }
      ChatTemplate template = new ChatTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
      validate(template.executable);
      return template;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in template " + name, e);
    }
  }

  /** The names {@link #builtin(String)} accepts. */
  public static Set<String> builtinNames() {
    return BUILTINS;
  }

  /** The Jinja source. */
  public String source() {
    return source;
  }

  /** The built-in name, for built-in templates. */
  public Optional<String> builtinName() {
    return Optional.ofNullable(name);
  }

  /**
   * Renders a conversation.
   *
   * @param addGenerationPrompt whether to end with the header that opens the assistant's reply
   * @param bosToken the tokenizer's BOS text, or null when it has none (the template then sees it undefined)
   * @param eosToken the tokenizer's EOS text, or null
   * @throws TemplateException when the template refuses the conversation ({@code raise_exception}) or fails
   */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null");
    }
    List<Map<String, Object>> maps = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      if (m == null) {
        throw new IllegalArgumentException("messages must not contain null");
      }
      maps.add(m.toMap());
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    if (bosToken != null) {
      extra.put("bos_token", bosToken);
    }
    if (eosToken != null) {
      extra.put("eos_token", eosToken);
    }
    return render(maps, addGenerationPrompt, extra);
  }

  /**
   * Renders messages given as maps (any JSON-like structure: strings, numbers, booleans, null, lists,
   * maps), with further template variables such as {@code bos_token}, {@code eos_token}, {@code tools} or
   * {@code documents}.
   *
   * @throws TemplateException when the template refuses the conversation ({@code raise_exception}) or fails
   * @throws IllegalArgumentException when a value is not JSON-like data
   */
  public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt,
      Map<String, Object> extraVariables) {
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null");
    }
    Map<String, Object> bindings = new LinkedHashMap<>(JinjaEnvironment.GLOBAL_NAMES);
    if (extraVariables != null) {
      extraVariables.forEach((k, v) -> bindings.put(k, TemplateValues.copy(v, k)));
    }
    bindings.put("messages", TemplateValues.copy(messages, "messages"));
    bindings.put("add_generation_prompt", addGenerationPrompt);
    return run(executable, bindings, false);
  }

  /**
   * Runs {@code work} (typically prompt assembly) with every render on this thread stopping, with a
   * {@link TemplateException}, once {@code stopWhen} answers true. The condition is read every few
   * thousand loop iterations or expression evaluations, so a short render always finishes.
   */
  public static <T> T stoppingWhen(BooleanSupplier stopWhen, Supplier<T> work) {
    if (stopWhen == null || work == null) {
      throw new IllegalArgumentException("stopWhen and work must not be null");
    }
    BooleanSupplier previous = STOP_WHEN.get();
    STOP_WHEN.set(stopWhen);
    try {
      return work.get();
    } finally {
      STOP_WHEN.set(previous);
    }
  }

  @Override
  public String toString() {
    return name != null ? "ChatTemplate[" + name + "]" : "ChatTemplate[" + source.length() + " chars]";
  }

  private static String run(String source, Map<String, Object> bindings, boolean validation) {
    JinjaEnvironment env = JinjaEnvironment.INSTANCE;
    RenderState state = new RenderState(ZonedDateTime.now(), STOP_WHEN.get());
    RenderState previous = JinjaEnvironment.CURRENT.get();
    JinjaEnvironment.CURRENT.set(state);
    RenderResult result;
    try {
      result = validation
          ? env.jinjava.renderForResult(source, bindings, env.validationConfig)
          : env.jinjava.renderForResult(source, bindings);
    } catch (RuntimeException e) {
      if (state.cut != null && !validation) {
        throw TemplateException.limit(state.cut, 0);
      }
      throw new TemplateException(String.valueOf(e.getMessage()), false, 0, e);
    } catch (StackOverflowError e) {
      // A backstop: nesting and recursion are limited, but no template may take the thread down.
      throw TemplateException.limit("the template recursed deeper than the thread's stack allows", 0);
    } finally {
      if (previous == null) {
        JinjaEnvironment.CURRENT.remove();
      } else {
        JinjaEnvironment.CURRENT.set(previous);
      }
    }
    if (!validation && state.cut != null) {
      throw TemplateException.limit(state.cut, 0);
    }
    if (!validation && state.raised != null) {
      throw new TemplateException(state.raised, true, raisedLine(result.getErrors()));
    }
    for (TemplateError error : result.getErrors()) {
      if (!validation && isMacroRecursion(error)) {
        throw TemplateException.limit("a macro recursed deeper than " + MAX_MACRO_RECURSION + " calls (the limit): "
            + message(error), error.getLineno());
      }
      if (isFailure(error, validation)) {
        throw new TemplateException(message(error), false, error.getLineno(), error.getException());
      }
    }
    return result.getOutput();
  }

  private static boolean isFailure(TemplateError error, boolean validation) {
    String message = String.valueOf(error.getMessage());
    if (validation) {
      // Only what Jinja would reject when compiling; runtime failures wait for a real render.
      return error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR
          && (message.startsWith("Error parsing") || message.startsWith("Syntax error"));
    }
    return error.getSeverity() == TemplateError.ErrorType.FATAL;
  }

  /** Jinjava reports a macro past its recursion depth as a warning and renders it empty; Jinja raises. */
  private static boolean isMacroRecursion(TemplateError error) {
    for (Throwable t = error.getException(); t != null; t = t.getCause()) {
      if (t instanceof TagCycleException) {
        return true;
      }
    }
    return String.valueOf(error.getMessage()).contains("Cycle detected for macro");
  }

  /**
   * Blocks nest at most {@link #MAX_NESTING} deep: Jinjava parses and renders nested blocks by
   * recursion, so deeper nesting would overflow the stack.
   */
  private static void checkNesting(String source, JinjaEnvironment env) {
    int depth = 0;
    TokenScanner scanner = new TokenScanner(source, env.config);
    while (true) {
      Token token;
      try {
        if (!scanner.hasNext()) {
          return;
        }
        token = scanner.next();
      } catch (RuntimeException e) {
        return; // a malformed tag: the parse that follows reports it as a syntax error with its line
      }
      if (!(token instanceof TagToken)) {
        continue;
      }
      TagToken tag = (TagToken) token;
      String name = tag.getTagName();
      if (name.startsWith("end")) {
        depth = Math.max(0, depth - 1);
      } else if (BLOCK_TAGS.contains(name) || (name.equals("set") && !tag.getHelpers().contains("="))) {
        if (++depth > MAX_NESTING) {
          throw TemplateException.limit("blocks nest more than " + MAX_NESTING + " deep (the limit)",
              token.getLineNumber());
        }
      }
    }
  }

  private static int raisedLine(List<TemplateError> errors) {
    for (TemplateError e : errors) {
      for (Throwable t = e.getException(); t != null; t = t.getCause()) {
        if (t instanceof JinjaEnvironment.TemplateRaisedException) {
          return e.getLineno();
        }
      }
    }
    return 0;
  }

  private static String message(TemplateError error) {
    String m = String.valueOf(error.getMessage());
    return error.getFieldName() == null || error.getFieldName().isEmpty() || m.contains(error.getFieldName())
        ? m : m + " in '" + error.getFieldName() + "'";
  }

  /** Jinja rejects a template with a syntax error, an unknown filter or an unknown test before rendering. */
  private static void validate(String source) {
    JinjaEnvironment env = JinjaEnvironment.INSTANCE;
    checkNesting(source, env);
    JinjavaInterpreter interpreter = env.jinjava.newInterpreter();
    JinjavaInterpreter.pushCurrent(interpreter);
    try {
      interpreter.parse(source);
    } catch (InterpretException e) {
      // Jinjava reports most syntax errors as errors of the parse, but throws on some malformed tags ("{%}")
      throw new TemplateException(String.valueOf(e.getMessage()), false, e.getLineNumber(), e);
    } catch (IndexOutOfBoundsException e) {
      // Jinjava's tag scanner indexes past a tag's end on some malformed tags ("{%%}" after a control byte);
      // found by ChatTemplateFuzzTest, its input kept with the regression inputs.
      throw new TemplateException("malformed tag (Jinjava's scanner failed: " + e.getMessage() + ")", false, 0, e);
    } catch (StackOverflowError e) {
      throw TemplateException.limit("the template nests deeper than the thread's stack allows", 0);
    } finally {
      JinjavaInterpreter.popCurrent();
    }
    for (TemplateError error : interpreter.getErrors()) {
      // Unclosed delimiters were already reported by JinjaSyntax; Jinjava also flags "{{" inside a string.
      if (error.getSeverity() == TemplateError.ErrorType.FATAL
          || (error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR
              && !"Unclosed token".equals(error.getMessage()))) {
        throw new TemplateException(message(error), false, error.getLineno());
      }
    }
    TokenScanner scanner = new TokenScanner(source, env.config);
    while (scanner.hasNext()) {
      Token token = scanner.next();
      String expression = token instanceof ExpressionToken ? ((ExpressionToken) token).getExpr()
          : token instanceof TagToken ? ((TagToken) token).getHelpers() : null;
      if (expression == null) {
        continue;
      }
      Matcher m = FILTER_OR_TEST.matcher(blankStringLiterals(expression));
      while (m.find()) {
        if (m.group(1) != null && env.jinjava.getGlobalContext().getFilter(m.group(1)) == null) {
          throw new TemplateException("No filter named '" + m.group(1) + "'", false, token.getLineNumber());
        }
        if (m.group(2) != null && env.jinjava.getGlobalContext().getExpTest(m.group(2)) == null) {
          throw new TemplateException("No test named '" + m.group(2) + "'", false, token.getLineNumber());
        }
      }
    }
    run(source, new LinkedHashMap<>(), true);
  }

  /**
   * {@code expression} with each complete string literal ('...' or "...", backslash escapes) replaced by
   * {@code ''}, so that a {@code |} inside a string is not taken for a filter. A scan, not a regex: a
   * regex alternation per character overflowed the stack on a 57 KB literal (found by fuzzing).
   */
  static String blankStringLiterals(String expression) {
    StringBuilder out = new StringBuilder(expression.length());
    // Once a quote of a kind has no end, no later quote of that kind has one either (the failed scan passed
    // it as an escaped character, in the same state), so remembering it keeps the scan linear.
    boolean singleUnclosed = false;
    boolean doubleUnclosed = false;
    int i = 0;
    while (i < expression.length()) {
      char c = expression.charAt(i);
      if ((c == '\'' && !singleUnclosed) || (c == '"' && !doubleUnclosed)) {
        int j = i + 1;
        while (j < expression.length() && expression.charAt(j) != c) {
          j += expression.charAt(j) == '\\' ? 2 : 1;
        }
        if (j < expression.length()) {
          out.append("''");
          i = j + 1;
          continue;
        }
        if (c == '\'') {
          singleUnclosed = true;
        } else {
          doubleUnclosed = true;
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }
}
