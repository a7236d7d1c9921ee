package dev.persona4j.tokenizers;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.tree.TagNode;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;
import jinjava.javax.el.ELException;

/**
 * The one Jinjava engine every chat template renders on, configured and extended to behave like the Jinja
 * environment transformers uses ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
 * extensions=[loopcontrols])} with {@code raise_exception}, {@code strftime_now} and its own {@code tojson}).
 *
 * <p>What differs from Jinjava's defaults, and why:
 * <ul>
 *   <li>Whitespace (trim_blocks, lstrip_blocks, {@code -}/{@code +} markers, the dropped trailing newline) and
 *       the syntax Jinjava lacks (extended slices, loop filters, for-else) are handled by {@link JinjaSyntax}
 *       before Jinjava parses the template.</li>
 *   <li>Python truthiness in {@code if}/{@code elif}, {@code not}, {@code and}, {@code or} ({@link PyIfTag},
 *       {@link PyTypeConverter}): Jinjava treats the string "false" as false.</li>
 *   <li>Natural operator precedence, so that {@code 'a' + x | trim} filters only {@code x}, as in Jinja.</li>
 *   <li>Printed values follow Python's {@code str()}: {@code True}/{@code False}, lists and dicts in
 *       Python's repr ({@link PyInterpreter}).</li>
 *   <li>Python's string/dict/list methods take precedence over Java's ({@link PythonMethodResolver}).</li>
 *   <li>Filters replaced with Python's semantics: {@code tojson} (no HTML escaping, non-ASCII kept,
 *       json.dumps separators, {@code indent}, {@code sort_keys}), {@code trim} (Python whitespace,
 *       optional chars), {@code capitalize} and {@code title} (Jinja's), {@code string} and {@code join}
 *       (Python's str of each item), {@code items}.</li>
 *   <li>Globals {@code raise_exception(message)} and {@code strftime_now(format)}.</li>
 * </ul>
 */
final class JinjaEnvironment {
  static final JinjaEnvironment INSTANCE = new JinjaEnvironment();

  /** Set while a template renders on this thread: where {@code raise_exception} leaves its message. */
  static final ThreadLocal<RenderState> CURRENT = new ThreadLocal<>();

  final Jinjava jinjava;
  final JinjavaConfig config;
  final JinjavaConfig validationConfig;

  private JinjaEnvironment() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonMethodResolver());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    InterpreterFactory interpreters = new InterpreterFactory() {
      @Override
      public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
        return new PyInterpreter(orig);
      }

      @Override
      public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig renderConfig) {
        return new PyInterpreter(application, context, renderConfig);
      }
    };
    LegacyOverrides overrides = LegacyOverrides.newBuilder()
        .withUseNaturalOperatorPrecedence(true)
        .withParseWhitespaceControlStrictly(true)
        .withEvaluateMapKeys(true)
        .withUsePyishObjectMapper(true)
        .withKeepNullableLoopValues(true)
        .withAllowAdjacentTextNodes(true)
        .build();
    JinjavaConfig.Builder builder = JinjavaConfig.newBuilder()
        // trim_blocks, lstrip_blocks and the -/+ markers are applied by JinjaSyntax before parsing: Jinjava's
        // own trim_blocks drops the trimmed newlines from its line count, so error lines would be wrong.
        .withTrimBlocks(false)
        .withLstripBlocks(false)
        .withFailOnUnknownTokens(false)
        .withEnableRecursiveMacroCalls(true)
        .withMaxMacroRecursionDepth(ChatTemplate.MAX_MACRO_RECURSION)
        .withMaxRenderDepth(10)
        .withMaxOutputSize(64L << 20)
        .withRangeLimit(100_000) // Jinja's sandbox limit
        .withMaxStringLength(64L << 20)
        .withNestedInterpretationEnabled(false)
        .withLegacyOverrides(overrides)
        .withElResolver(resolver)
        .withInterperterFactory(interpreters)
        .withLocale(Locale.ROOT);
    this.config = builder.build();
    this.validationConfig = builder.withValidationMode(true).build();
    this.jinjava = new PyJinjava(config);
    register(jinjava);
  }

  private static void register(Jinjava jinjava) {
    jinjava.registerTag(new PyIfTag());
    try {
      // This class is package-private: let Jinjava's reflective call through.
      Method raise = JinjaEnvironment.class.getDeclaredMethod("raiseException", Object.class);
      raise.setAccessible(true);
      jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", raise));
      Method strftime = JinjaEnvironment.class.getDeclaredMethod("strftimeNow", String.class);
      strftime.setAccessible(true);
      jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", strftime));
      Method dict = JinjaEnvironment.class.getDeclaredMethod("dict", Object[].class);
      dict.setAccessible(true);
      jinjava.registerFunction(new ELFunctionDefinition("", "dict", dict));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    jinjava.registerFilter(new PyFilter("tojson", JinjaEnvironment::tojson));
    jinjava.registerFilter(new PyFilter("trim", (v, args, kw) ->
        Py.strip(Py.str(v), optString(args, 0, kw, "chars"), true, true)));
    jinjava.registerFilter(new PyFilter("capitalize", (v, args, kw) -> Py.capitalize(Py.str(v))));
    jinjava.registerFilter(new PyFilter("title", (v, args, kw) -> jinjaTitle(Py.str(v))));
    jinjava.registerFilter(new PyFilter("string", (v, args, kw) -> v instanceof SafeString ? v : Py.str(v)));
    jinjava.registerFilter(new PyFilter("join", JinjaEnvironment::join));
    jinjava.registerFilter(new PyFilter("items", (v, args, kw) -> {
      if (v == null) {
        return List.of();
      }
      if (!(v instanceof Map)) {
        throw new ELException("items filter needs a mapping, got " + Py.repr(v));
      }
      List<Object> pairs = new ArrayList<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        pairs.add(e);
      }
      return pairs;
    }));
    jinjava.registerFilter(new PyFilter("list", (v, args, kw) -> pyList(v)));
    jinjava.registerFilter(new PyFilter("max", (v, args, kw) -> extreme(v, kw, true)));
    jinjava.registerFilter(new PyFilter("min", (v, args, kw) -> extreme(v, kw, false)));
    jinjava.registerFilter(new PyFilter("pyslice", (v, args, kw) -> slice(v, args)));
    jinjava.registerExpTest(new PyTest("string", v -> v instanceof String || v instanceof SafeString));
    jinjava.registerExpTest(new PyTest("mapping", v -> v instanceof Map));
    jinjava.registerExpTest(new PyTest("true", v -> Boolean.TRUE.equals(v)));
    jinjava.registerExpTest(new PyTest("false", v -> Boolean.FALSE.equals(v)));
    jinjava.registerExpTest(new PyTest("boolean", v -> v instanceof Boolean));
    jinjava.registerExpTest(new PyTest("sequence", v -> v instanceof Collection || v instanceof String
        || v instanceof Map || v instanceof Object[]));
    jinjava.registerExpTest(new PyTest("iterable", v -> v instanceof Iterable || v instanceof String
        || v instanceof Map || v instanceof Object[]));
  }

  /** transformers' {@code raise_exception}: aborts rendering with the template's own message. */
  static Object raiseException(Object message) {
    String text = Py.str(message);
    RenderState state = CURRENT.get();
    if (state != null && state.raised == null) {
      state.raised = text;
    }
    throw new TemplateRaisedException(text);
  }

  /** Jinja's {@code dict(**kwargs)} global (also accepting mappings to merge). */
  static Map<Object, Object> dict(Object... args) {
    Map<Object, Object> out = new java.util.LinkedHashMap<>();
    for (Object a : args == null ? new Object[0] : args) {
      if (a instanceof NamedParameter) {
        out.put(((NamedParameter) a).getName(), ((NamedParameter) a).getValue());
      } else if (a instanceof Map) {
        out.putAll((Map<?, ?>) a);
      } else {
        throw new ELException("dict() takes keyword arguments or mappings, got " + Py.repr(a));
      }
    }
    return out;
  }

  /**
   * The global functions as template variables too, so that {@code strftime_now is defined} holds as in
   * Jinja (Llama 3.1's template falls back to a fixed date otherwise).
   */
  static final Map<String, Object> GLOBAL_NAMES = Map.of(
      "raise_exception", "<function raise_exception>",
      "strftime_now", "<function strftime_now>",
      "dict", "<class 'dict'>",
      "namespace", "<class 'jinja2.utils.Namespace'>",
      "range", "<class 'range'>");

  /** transformers' {@code strftime_now}: the current local time in a Python strftime format. */
  static String strftimeNow(String format) {
    RenderState state = CURRENT.get();
    ZonedDateTime now = state != null ? state.now : ZonedDateTime.now();
    return StrftimeFormatter.format(now, format, Locale.US);
  }

  private static Object tojson(Object value, List<Object> args, Map<String, Object> kwargs) {
    Object indentArg = args.isEmpty() ? kwargs.get("indent") : args.get(0);
    String indent = null;
    if (indentArg instanceof Number) {
      indent = " ".repeat((int) Math.max(0, Py.toLong(indentArg, "indent")));
    } else if (indentArg instanceof String) {
      indent = (String) indentArg;
    }
    String itemSeparator = indent == null ? ", " : ",";
    String keySeparator = ": ";
    Object separators = kwargs.get("separators");
    if (separators instanceof List && ((List<?>) separators).size() == 2) {
      itemSeparator = Py.str(((List<?>) separators).get(0));
      keySeparator = Py.str(((List<?>) separators).get(1));
    }
    boolean sortKeys = Py.truthy(kwargs.get("sort_keys"));
    return Py.jsonDumps(unwrap(value), indent, itemSeparator, keySeparator, sortKeys);
  }

  private static Object join(Object value, List<Object> args, Map<String, Object> kwargs) {
    String separator = args.isEmpty() ? Py.str(kwargs.getOrDefault("d", "")) : Py.str(args.get(0));
    Object attribute = args.size() > 1 ? args.get(1) : kwargs.get("attribute");
    StringBuilder out = new StringBuilder();
    boolean first = true;
    Iterable<?> items = value instanceof Iterable ? (Iterable<?>) value
        : value instanceof Map ? ((Map<?, ?>) value).keySet()
        : value == null ? List.of() : List.of(value);
    for (Object item : items) {
      if (!first) {
        out.append(separator);
      }
      first = false;
      Object shown = attribute != null && item instanceof Map ? ((Map<?, ?>) item).get(attribute) : item;
      out.append(Py.str(shown));
    }
    return out.toString();
  }

  /** Jinja's {@code title} filter: capitalizes words split at spaces, dashes and opening brackets. */
  private static String jinjaTitle(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean wordStart = true;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      boolean separator = Py.isSpace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
      out.appendCodePoint(separator ? c : wordStart ? Character.toTitleCase(c) : Character.toLowerCase(c));
      wordStart = separator;
    }
    return out.toString();
  }

  /** Python's {@code list(x)}: characters of a string, keys of a mapping, items of anything iterable. */
  static List<Object> pyList(Object v) {
    List<Object> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof String || v instanceof SafeString) {
      v.toString().codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
    } else if (v instanceof Map) {
      out.addAll(((Map<?, ?>) v).keySet());
    } else if (v instanceof Iterable) {
      ((Iterable<?>) v).forEach(out::add);
    } else if (v instanceof Object[]) {
      out.addAll(Arrays.asList((Object[]) v));
    } else {
      throw new ELException(Py.repr(v) + " is not iterable");
    }
    return out;
  }

  /** Jinja's {@code max}/{@code min} filters (case-insensitive for strings unless told otherwise). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object extreme(Object v, Map<String, Object> kwargs, boolean max) {
    Object attribute = kwargs.get("attribute");
    boolean caseSensitive = Py.truthy(kwargs.get("case_sensitive"));
    Object best = null;
    Comparable bestKey = null;
    for (Object item : pyList(v)) {
      Object keyed = attribute != null && item instanceof Map ? ((Map<?, ?>) item).get(attribute) : item;
      Comparable key = keyed instanceof String && !caseSensitive ? ((String) keyed).toLowerCase(Locale.ROOT)
          : keyed instanceof Number ? Double.valueOf(((Number) keyed).doubleValue()) : (Comparable) keyed;
      if (bestKey == null || (max ? key.compareTo(bestKey) > 0 : key.compareTo(bestKey) < 0)) {
        best = item;
        bestKey = key;
      }
    }
    return best;
  }

  /** Python's {@code x[start:stop:step]} on a list or string (what {@code x[a:b:c]} is rewritten to). */
  private static Object slice(Object v, List<Object> args) {
    boolean text = v instanceof String || v instanceof SafeString;
    List<Object> items = pyList(v);
    int n = items.size();
    long step = args.size() > 2 && args.get(2) != null ? Py.toLong(args.get(2), "slice step") : 1;
    if (step == 0) {
      throw new ELException("slice step cannot be zero");
    }
    long start = bound(args.size() > 0 ? args.get(0) : null, n, step < 0 ? n - 1 : 0, step);
    long stop = bound(args.size() > 1 ? args.get(1) : null, n, step < 0 ? -1 : n, step);
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.add(items.get((int) i));
    }
    if (text) {
      StringBuilder s = new StringBuilder();
      out.forEach(s::append);
      return s.toString();
    }
    return out;
  }

  private static long bound(Object index, int n, long absent, long step) {
    if (index == null) {
      return absent;
    }
    long i = Py.toLong(index, "slice index");
    if (i < 0) {
      i += n;
    }
    if (step > 0) {
      return Math.max(0, Math.min(n, i));
    }
    return Math.max(-1, Math.min(n - 1, i));
  }

  private static Object unwrap(Object v) {
    return v instanceof SafeString ? v.toString() : v;
  }

  private static String optString(List<Object> args, int i, Map<String, Object> kwargs, String name) {
    Object v = i < args.size() ? args.get(i) : kwargs.get(name);
    return v == null ? null : Py.str(v);
  }

  /** Per-render state visible to the global functions, and the render's step budget. */
  static final class RenderState {
    /** How often (in loop iterations and expression evaluations) the caller's stop condition is read. */
    private static final int STOP_CHECK_INTERVAL = 4096;
    final ZonedDateTime now;
    private final BooleanSupplier stopWhen;
    String raised;
    /** Why the render was cut short (a limit or the caller's stop), once it was. */
    String cut;
    private long iterations;
    private long evaluations;
    private long errors;
    /** The most errors one render may report. */
    private static final int MAX_ERRORS = 1_000;

    RenderState(ZonedDateTime now, BooleanSupplier stopWhen) {
      this.now = now;
      this.stopWhen = stopWhen;
    }

    /** One more loop iteration. */
    void iteration() {
      if (++iterations > ChatTemplate.MAX_LOOP_ITERATIONS) {
        cut("the template ran more than " + String.format(Locale.ROOT, "%,d", ChatTemplate.MAX_LOOP_ITERATIONS)
            + " loop iterations (the limit)");
      }
      checkStop(iterations);
    }

    /** One more error reported. */
    void error() {
      if (++errors > MAX_ERRORS) {
        cut("the template reported more than " + String.format(Locale.ROOT, "%,d", MAX_ERRORS) + " errors (the limit)");
      }
    }

    /** One more expression evaluated. */
    void evaluation() {
      if (++evaluations > ChatTemplate.MAX_EVALUATIONS) {
        cut("the template evaluated more than " + String.format(Locale.ROOT, "%,d", ChatTemplate.MAX_EVALUATIONS)
            + " expressions (the limit)");
      }
      checkStop(evaluations);
    }

    private void checkStop(long count) {
      if (cut != null) {
        throw new RenderCutException(cut);
      }
      if (count % STOP_CHECK_INTERVAL == 0 && stopWhen.getAsBoolean()) {
        cut("rendering stopped: the caller's deadline passed or it was cancelled");
      }
    }

    private void cut(String why) {
      if (cut == null) {
        cut = why;
      }
      throw new RenderCutException(cut);
    }
  }

  /** Ends a render that hit a limit or was stopped; the reason is kept in the {@link RenderState}. */
  static final class RenderCutException extends RuntimeException {
    RenderCutException(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown by {@code raise_exception}; Jinjava records it as a render error, the message is in the state. */
  static final class TemplateRaisedException extends RuntimeException {
    TemplateRaisedException(String message) {
      super(message, null, false, false);
    }
  }

  /** A filter with Python-typed positional and keyword arguments. */
  interface FilterBody {
    Object apply(Object value, List<Object> args, Map<String, Object> kwargs);
  }

  /** A filter ({@code x | name}) with Python's meaning. */
  record PyFilter(String name, FilterBody body) implements Filter {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      List<Object> positional = new ArrayList<>();
      Map<String, Object> named = new java.util.LinkedHashMap<>(kwargs == null ? Map.of() : kwargs);
      for (Object a : args == null ? new Object[0] : args) {
        if (a instanceof NamedParameter) {
          named.put(((NamedParameter) a).getName(), ((NamedParameter) a).getValue());
        } else {
          positional.add(a);
        }
      }
      return body.apply(var, positional, named);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, (Object[]) args, Map.of());
    }
  }

  /** An expression test ({@code x is name}) with Python's meaning. */
  record PyTest(String name, Predicate<Object> test) implements ExpTest {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return test.test(var);
    }
  }

  /**
   * Jinjava with Python's operators ({@link PyOperators}) and a type converter of Python's semantics:
   * truthiness (a non-empty string is true even when it reads "false") for {@code not}, {@code and},
   * {@code or}; Python's {@code str()} for {@code ~}.
   */
  static final class PyJinjava extends Jinjava {
    private final ExpressionFactory expressions;

    PyJinjava(JinjavaConfig config) {
      super(config);
      this.expressions = new ExpressionFactoryImpl(
          new TreeStore(new PyOperators.PySyntaxBuilder(), new Cache(1000)), new PyTypeConverter());
    }

    @Override
    public ExpressionFactory getExpressionFactory() {
      return expressions;
    }
  }

  static final class PyTypeConverter extends TruthyTypeConverter {
    private static final long serialVersionUID = 1L;

    @Override
    protected Boolean coerceToBoolean(Object value) {
      return Py.truthy(value);
    }

    @Override
    protected String coerceToString(Object value) {
      if (value == null || value instanceof String) {
        return value == null ? "" : (String) value;
      }
      if (value instanceof Boolean || value instanceof Double || value instanceof Float || value instanceof Map
          || value instanceof Collection) {
        return Py.str(value);
      }
      return super.coerceToString(value);
    }
  }

  /** {@code if}/{@code elif} with Python's truthiness. */
  static final class PyIfTag extends IfTag {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
      return Py.truthy(interpreter.resolveELExpression(tagNode.getHelpers(), tagNode.getLineNumber(),
          tagNode.getStartPosition()));
    }
  }

  /** Prints values the way Python's {@code str()} does. */
  static final class PyInterpreter extends JinjavaInterpreter {
    PyInterpreter(JinjavaInterpreter orig) {
      super(orig);
    }

    PyInterpreter(Jinjava application, Context context, JinjavaConfig renderConfig) {
      super(application, context, renderConfig);
    }

    @Override
    public Object wrap(Object object) {
      // Jinjava's for tag wraps each item as it iterates: the one per-iteration call a subclass sees.
      RenderState state = CURRENT.get();
      if (state != null) {
        state.iteration();
      }
      return super.wrap(object);
    }

    @Override
    public Object resolveELExpression(String expression, int lineNumber) {
      count();
      return super.resolveELExpression(expression, lineNumber);
    }

    @Override
    public Object resolveELExpression(String expression, int lineNumber, int position) {
      count();
      return super.resolveELExpression(expression, lineNumber, position);
    }

    @Override
    public void addError(TemplateError error) {
      // Each error keeps an exception: a loop failing on every pass would pile them up by the hundred thousand.
      RenderState state = CURRENT.get();
      if (state != null) {
        state.error();
      }
      super.addError(error);
    }

    private static void count() {
      RenderState state = CURRENT.get();
      if (state != null) {
        state.evaluation();
      }
    }

    @Override
    public String getAsString(Object object) {
      // Jinjava resolves an undefined name to null as well as None; undefined prints as "" in Jinja, which
      // is by far the more common case in chat templates (e.g. an absent optional field).
      return object == null ? "" : Py.str(object);
    }
  }
}
