package dev.persona4j.tokenizers;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELException;

/**
 * The one Jinjava engine every chat template renders on, configured and extended to behave like the Jinja
 * environment transformers uses ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
 * extensions=[loopcontrols])} with {@code raise_exception}, {@code strftime_now} and its own {@code tojson}).
 *
 * <p>What differs from Jinjava's defaults, and why:
 * <ul>
 *   <li>trim_blocks and lstrip_blocks on; whitespace-control markers parsed strictly, as Jinja does.</li>
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
        .withUseTrimmingForNotesAndExpressions(true)
        .build();
    JinjavaConfig.Builder builder = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        .withFailOnUnknownTokens(false)
        .withEnableRecursiveMacroCalls(true)
        .withMaxMacroRecursionDepth(64)
        .withMaxRenderDepth(10)
        .withMaxOutputSize(64L << 20)
        .withMaxStringLength(64L << 20)
        .withNestedInterpretationEnabled(false)
        .withLegacyOverrides(overrides)
        .withElResolver(resolver)
        .withInterperterFactory(interpreters)
        .withLocale(Locale.ROOT);
    this.config = builder.build();
    this.validationConfig = builder.withValidationMode(true).build();
    this.jinjava = new Jinjava(config);
    register(jinjava);
  }

  private static void register(Jinjava jinjava) {
    try {
      // This class is package-private: let Jinjava's reflective call through.
      Method raise = JinjaEnvironment.class.getDeclaredMethod("raiseException", Object.class);
      raise.setAccessible(true);
      jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", raise));
      Method strftime = JinjaEnvironment.class.getDeclaredMethod("strftimeNow", String.class);
      strftime.setAccessible(true);
      jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", strftime));
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

  private static Object unwrap(Object v) {
    return v instanceof SafeString ? v.toString() : v;
  }

  private static String optString(List<Object> args, int i, Map<String, Object> kwargs, String name) {
    Object v = i < args.size() ? args.get(i) : kwargs.get(name);
    return v == null ? null : Py.str(v);
  }

  /** Per-render state visible to the global functions. */
  static final class RenderState {
    final ZonedDateTime now;
    String raised;

    RenderState(ZonedDateTime now) {
      this.now = now;
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

  static final class PyFilter implements Filter {
    private final String name;
    private final FilterBody body;

    PyFilter(String name, FilterBody body) {
      this.name = name;
      this.body = body;
    }

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
  static final class PyTest implements ExpTest {
    private final String name;
    private final java.util.function.Predicate<Object> test;

    PyTest(String name, java.util.function.Predicate<Object> test) {
      this.name = name;
      this.test = test;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return test.test(var);
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
    public String getAsString(Object object) {
      // Jinjava resolves an undefined name to null as well as None; undefined prints as "" in Jinja, which
      // is by far the more common case in chat templates (e.g. an absent optional field).
      return object == null ? "" : Py.str(object);
    }
  }
}
