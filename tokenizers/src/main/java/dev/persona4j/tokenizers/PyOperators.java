package dev.persona4j.tokenizers;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.de.odysseus.el.misc.NumberOperations;
import jinjava.de.odysseus.el.misc.TypeConverter;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELException;

/**
 * Python's binary operators for Jinjava's expression language, which otherwise follows Java EL: there
 * {@code 'a' + [1]} concatenates Java's toString of the list, {@code 1 == '1'} and {@code '' == false} are
 * true (EL coerces before comparing), {@code -7 % 3} is -1 and {@code '-' * 3} is an error. Here
 * {@code +}, {@code ==}, {@code !=}, {@code %} and {@code *} behave as in Python, and mixing types Python
 * refuses raises Python's TypeError message.
 */
final class PyOperators {
  private PyOperators() {}

  /** Jinjava's syntax with the parser below. */
  static final class PySyntaxBuilder extends ExtendedSyntaxBuilder {
    private static final long serialVersionUID = 1L;

    PySyntaxBuilder() {
      // What the EL "JEE6" profile Jinjava uses enables: method calls and varargs.
      super(Feature.METHOD_INVOCATIONS, Feature.VARARGS);
    }

    @Override
    protected Parser createParser(String expression) {
      return new PyParser(this, expression);
    }
  }

  /** Jinjava's parser, building Python's operators where EL's differ. */
  static final class PyParser extends ExtendedParser {
    PyParser(PySyntaxBuilder builder, String input) {
      super(builder, input);
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
      AstBinary.Operator python = operator == AdditionOperator.OP ? ADD
          : operator == AstBinary.EQ ? EQ
          : operator == AstBinary.NE ? NE
          : operator == AstBinary.MOD ? MOD
          : operator == AstBinary.MUL ? MUL
          : operator;
      return super.createAstBinary(left, right, python);
    }
  }

  /** What a binary operator does with its operands. */
  private interface Body {
    Object apply(TypeConverter converter, Object a, Object b);
  }

  /** An EL binary operator applying {@code body}, printed as {@code symbol} in Jinjava's messages. */
  private static AstBinary.Operator operator(String symbol, Body body) {
    return new AstBinary.SimpleOperator() {
      @Override
      protected Object apply(TypeConverter converter, Object a, Object b) {
        return body.apply(converter, a, b);
      }

      @Override
      public String toString() {
        return symbol;
      }
    };
  }

  static final AstBinary.Operator ADD = operator("+", PyOperators::add);
  static final AstBinary.Operator EQ = operator("==", (converter, a, b) -> equal(a, b));
  static final AstBinary.Operator NE = operator("!=", (converter, a, b) -> !equal(a, b));
  static final AstBinary.Operator MOD = operator("%", PyOperators::mod);
  static final AstBinary.Operator MUL = operator("*", PyOperators::mul);

  private static Object add(TypeConverter converter, Object a, Object b) {
    if (isString(a) && isString(b)) {
      return a.toString() + b;
    }
    if (a instanceof List && b instanceof List) {
      List<Object> out = new ArrayList<>((List<?>) a);
      out.addAll((List<?>) b);
      return out;
    }
    if (isNumber(a) && isNumber(b)) {
      return NumberOperations.add(converter, a, b);
    }
    throw typeError("+", a, b);
  }

  /** Floored modulo for numbers; printf-style formatting for a string on the left. */
  private static Object mod(TypeConverter converter, Object a, Object b) {
    if (isString(a)) {
      return percentFormat(a.toString(), b);
    }
    if (!isNumber(a) || !isNumber(b)) {
      throw typeError("%", a, b);
    }
    if (isIntegral(a) && isIntegral(b)) {
      long y = ((Number) b).longValue();
      if (y == 0) {
        throw new ELException("integer division or modulo by zero");
      }
      return Math.floorMod(((Number) a).longValue(), y);
    }
    double x = ((Number) a).doubleValue();
    double y = ((Number) b).doubleValue();
    if (y == 0) {
      throw new ELException("float modulo");
    }
    double r = x % y;
    return r != 0 && (r < 0) != (y < 0) ? r + y : r;
  }

  /** Numbers multiply; a string or list times an integer repeats. */
  private static Object mul(TypeConverter converter, Object a, Object b) {
    if ((isString(a) || a instanceof List) && isIntegral(b)) {
      return repeat(a, ((Number) b).longValue());
    }
    if ((isString(b) || b instanceof List) && isIntegral(a)) {
      return repeat(b, ((Number) a).longValue());
    }
    if (isNumber(a) && isNumber(b)) {
      return NumberOperations.mul(converter, a, b);
    }
    throw typeError("*", a, b);
  }

  private static Object repeat(Object value, long times) {
    if (times * (isString(value) ? value.toString().length() : ((List<?>) value).size()) > 10_000_000L) {
      throw new ELException("repetition too large");
    }
    if (isString(value)) {
      return times <= 0 ? "" : value.toString().repeat((int) times);
    }
    List<Object> out = new ArrayList<>();
    for (long i = 0; i < times; i++) {
      out.addAll((List<?>) value);
    }
    return out;
  }

  /** Python's {@code ==}: numbers by value (True == 1), strings, lists and dicts structurally, else identity. */
  static boolean equal(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (isNumber(a) && isNumber(b)) {
      return toBigDecimal(a).compareTo(toBigDecimal(b)) == 0;
    }
    if (isString(a) && isString(b)) {
      return a.toString().equals(b.toString());
    }
    if (a instanceof List && b instanceof List) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!equal(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map && b instanceof Map) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static BigDecimal toBigDecimal(Object n) {
    if (n instanceof Boolean) {
      return (Boolean) n ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (n instanceof BigDecimal) {
      return (BigDecimal) n;
    }
    if (n instanceof BigInteger) {
      return new BigDecimal((BigInteger) n);
    }
    if (n instanceof Double || n instanceof Float) {
      double d = ((Number) n).doubleValue();
      return Double.isFinite(d) ? new BigDecimal(d) : BigDecimal.valueOf(Double.MAX_VALUE).multiply(
          BigDecimal.valueOf(Double.isNaN(d) ? 0 : Math.signum(d) * 10));
    }
    return BigDecimal.valueOf(((Number) n).longValue());
  }

  /** Python's {@code str % args} with the conversions templates use: %s %r %d %i %f %e %x %%. */
  static String percentFormat(String format, Object args) {
    List<Object> values = new ArrayList<>();
    if (args instanceof List) {
      values.addAll((List<?>) args);
    } else {
      values.add(args);
    }
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      int j = i + 1;
      while (j < format.length() && "-+ #0123456789.".indexOf(format.charAt(j)) >= 0) {
        j++;
      }
      if (j >= format.length()) {
        throw new ELException("incomplete format");
      }
      char conversion = format.charAt(j);
      String flags = format.substring(i + 1, j);
      i = j;
      if (conversion == '%') {
        out.append('%');
        continue;
      }
      if (next >= values.size()) {
        throw new ELException("not enough arguments for format string");
      }
      Object v = values.get(next++);
      switch (conversion) {
        case 's':
          out.append(String.format("%" + flags + "s", Py.str(v)));
          break;
        case 'r':
          out.append(String.format("%" + flags + "s", Py.repr(v)));
          break;
        case 'd':
        case 'i':
          if (!isNumber(v)) {
            throw new ELException("%" + conversion + " format: a real number is required, not " + typeName(v));
          }
          out.append(String.format("%" + flags + "d", toBigDecimal(v).toBigInteger()));
          break;
        case 'f':
        case 'e':
        case 'x':
          if (!isNumber(v)) {
            throw new ELException("must be real number, not " + typeName(v));
          }
          out.append(conversion == 'x'
              ? String.format("%" + flags + "x", toBigDecimal(v).toBigInteger())
              : String.format(java.util.Locale.ROOT, "%" + flags + conversion, ((Number) v).doubleValue()));
          break;
        default:
          throw new ELException("unsupported format character '" + conversion + "'");
      }
    }
    if (next < values.size()) {
      throw new ELException("not all arguments converted during string formatting");
    }
    return out.toString();
  }

  private static boolean isString(Object v) {
    return v instanceof String || v instanceof SafeString;
  }

  private static boolean isNumber(Object v) {
    return v instanceof Number || v instanceof Boolean;
  }

  private static boolean isIntegral(Object v) {
    return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger || v instanceof Boolean;
  }

  private static ELException typeError(String op, Object a, Object b) {
    if (a == null || b == null) {
      return new ELException("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
          + typeName(b) + "' (is a variable undefined?)");
    }
    if (op.equals("+") && (isString(a) || a instanceof List)) {
      return new ELException("can only concatenate " + typeName(a) + " (not \"" + typeName(b) + "\") to "
          + typeName(a));
    }
    return new ELException("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
        + typeName(b) + "'");
  }

  static String typeName(Object v) {
    if (v == null) {
      return "NoneType";
    }
    if (isString(v)) {
      return "str";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      return "float";
    }
    if (v instanceof Number) {
      return "int";
    }
    if (v instanceof List || v instanceof Collection) {
      return "list";
    }
    if (v instanceof Map) {
      return "dict";
    }
    return v.getClass().getSimpleName();
  }
}
