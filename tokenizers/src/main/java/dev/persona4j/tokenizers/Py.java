package dev.persona4j.tokenizers;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's semantics for the values chat templates see: {@code str()}, {@code repr()}, whitespace, string
 * methods and {@code json.dumps}. Jinja templates are Python; rendering them on the JVM byte for byte means
 * printing and transforming values the way CPython does.
 */
final class Py {
  private Py() {}

  /** Python's {@code str(x)}: what {@code {{ x }}} prints. */
  static String str(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof CharSequence || value instanceof Character) {
      return value.toString();
    }
    return repr(value);
  }

  /** Python's {@code repr(x)}, for values inside printed lists and dicts. */
  static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    repr(value, out);
    return out.toString();
  }

  private static void repr(Object value, StringBuilder out) {
    if (value == null) {
      out.append("None");
    } else if (value instanceof Boolean) {
      out.append((Boolean) value ? "True" : "False");
    } else if (value instanceof CharSequence || value instanceof Character) {
      reprString(value.toString(), out);
    } else if (value instanceof Double || value instanceof Float) {
      out.append(floatRepr(((Number) value).doubleValue()));
    } else if (value instanceof Number) {
      out.append(value);
    } else if (value instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        repr(e.getKey(), out);
        out.append(": ");
        repr(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Map.Entry) {
      Map.Entry<?, ?> e = (Map.Entry<?, ?>) value;
      out.append('(');
      repr(e.getKey(), out);
      out.append(", ");
      repr(e.getValue(), out);
      out.append(')');
    } else if (value instanceof Collection || value instanceof Object[]) {
      Iterable<?> items = value instanceof Object[] ? List.of((Object[]) value) : (Collection<?>) value;
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        repr(item, out);
      }
      out.append(']');
    } else {
      out.append(value);
    }
  }

  /** CPython's string repr: single quotes unless the text holds ' and no ". */
  private static void reprString(String s, StringBuilder out) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c == quote || c == '\\') {
        out.append('\\').appendCodePoint(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.appendCodePoint(c);
      }
    }
    out.append(quote);
  }

  /** CPython's float repr: shortest round-trip digits, ".0" for integral values, exponent outside 1e-4..1e16. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exponent = exact.precision() - exact.scale() - 1; // position of the leading digit
    if (exponent < -4 || exponent >= 16) {
      String digits = exact.unscaledValue().abs().toString();
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String exp = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
      return (d < 0 ? "-" : "") + mantissa + "e" + exp;
    }
    String plain = exact.toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** Python's {@code str.isspace()} for one code point. */
  static boolean isSpace(int c) {
    switch (c) {
      case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x1c: case 0x1d: case 0x1e: case 0x1f:
      case 0x20: case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f:
      case 0x3000:
        return true;
      default:
        return c >= 0x2000 && c <= 0x200a;
    }
  }

  /** {@code str.strip/lstrip/rstrip(chars)}; {@code chars == null} strips Python whitespace. */
  static String strip(String s, String chars, boolean left, boolean right) {
    int start = 0;
    int end = s.length();
    while (left && start < end && stripped(s.codePointAt(start), chars)) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (right && end > start && stripped(s.codePointBefore(end), chars)) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  private static boolean stripped(int c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(new String(Character.toChars(c))) >= 0;
  }

  /** {@code str.split(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace. */
  static List<String> split(String s, String sep, int maxSplit) {
    List<String> parts = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && isSpace(s.codePointAt(i))) {
          i += Character.charCount(s.codePointAt(i));
        }
        if (i >= n) {
          break;
        }
        if (maxSplit >= 0 && parts.size() == maxSplit) {
          parts.add(strip(s.substring(i), null, false, true));
          break;
        }
        int j = i;
        while (j < n && !isSpace(s.codePointAt(j))) {
          j += Character.charCount(s.codePointAt(j));
        }
        parts.add(s.substring(i, j));
        i = j;
      }
      return parts;
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int from = 0;
    while (maxSplit < 0 || parts.size() < maxSplit) {
      int at = s.indexOf(sep, from);
      if (at < 0) {
        break;
      }
      parts.add(s.substring(from, at));
      from = at + sep.length();
    }
    parts.add(s.substring(from));
    return parts;
  }

  /** {@code str.rsplit(sep, maxsplit)}. */
  static List<String> rsplit(String s, String sep, int maxSplit) {
    if (maxSplit < 0) {
      return split(s, sep, maxSplit);
    }
    List<String> parts = new ArrayList<>();
    if (sep == null) {
      int end = s.length();
      while (true) {
        while (end > 0 && isSpace(s.codePointBefore(end))) {
          end -= Character.charCount(s.codePointBefore(end));
        }
        if (end <= 0) {
          break;
        }
        if (parts.size() == maxSplit) {
          parts.add(0, strip(s.substring(0, end), null, true, false));
          break;
        }
        int begin = end;
        while (begin > 0 && !isSpace(s.codePointBefore(begin))) {
          begin -= Character.charCount(s.codePointBefore(begin));
        }
        parts.add(0, s.substring(begin, end));
        end = begin;
      }
      return parts;
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int end = s.length();
    while (parts.size() < maxSplit) {
      int at = s.lastIndexOf(sep, end - sep.length());
      if (at < 0) {
        break;
      }
      parts.add(0, s.substring(at + sep.length(), end));
      end = at;
    }
    parts.add(0, s.substring(0, end));
    return parts;
  }

  /** {@code str.title()}: upper-cases the first letter of every run of letters, lower-cases the rest. */
  static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      out.appendCodePoint(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
      previousCased = Character.isLetter(c);
    }
    return out.toString();
  }

  /** {@code str.capitalize()}: first character title-cased, the rest lower-cased. */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    return new String(Character.toChars(Character.toTitleCase(first)))
        + s.substring(Character.charCount(first)).toLowerCase(java.util.Locale.ROOT);
  }

  /** Python truthiness: empty strings, collections, zero and None are false; everything else is true. */
  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue() != 0;
    }
    if (v instanceof CharSequence || v instanceof com.hubspot.jinjava.objects.SafeString) {
      return v.toString().length() > 0;
    }
    if (v instanceof com.hubspot.jinjava.util.HasObjectTruthValue) {
      return ((com.hubspot.jinjava.util.HasObjectTruthValue) v).getObjectTruthValue();
    }
    if (v instanceof Object[]) {
      return ((Object[]) v).length > 0;
    }
    if (v instanceof Collection) {
      return !((Collection<?>) v).isEmpty();
    }
    if (v instanceof Map) {
      return !((Map<?, ?>) v).isEmpty();
    }
    return true;
  }

  static long toLong(Object v, String what) {
    if (v instanceof Number && !(v instanceof Double || v instanceof Float || v instanceof BigDecimal)) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger) {
      return ((BigInteger) v).longValueExact();
    }
    throw new IllegalArgumentException(what + " must be an integer, got " + repr(v));
  }

  /**
   * Python's {@code json.dumps(value, ensure_ascii=False, indent=indent, separators=..., sort_keys=...)} as
   * transformers' {@code tojson} filter calls it: no HTML escaping and non-ASCII characters kept.
   *
   * @param indent null for single-line output, else the indent string per level
   */
  static String jsonDumps(Object value, String indent, String itemSeparator, String keySeparator,
      boolean sortKeys) {
    StringBuilder out = new StringBuilder();
    json(value, indent, itemSeparator, keySeparator, sortKeys, 0, out);
    return out.toString();
  }

  private static void json(Object v, String indent, String itemSep, String keySep, boolean sortKeys, int depth,
      StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean) {
      out.append((Boolean) v ? "true" : "false");
    } else if (v instanceof CharSequence) {
      jsonString(v.toString(), out);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d));
    } else if (v instanceof Number) {
      out.append(v);
    } else if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
      if (sortKeys) {
        entries.sort((a, b) -> jsonKey(a.getKey()).compareTo(jsonKey(b.getKey())));
      }
      out.append('{');
      for (int i = 0; i < entries.size(); i++) {
        if (i > 0) {
          out.append(itemSep);
        }
        newline(indent, depth + 1, out);
        jsonString(jsonKey(entries.get(i).getKey()), out);
        out.append(keySep);
        json(entries.get(i).getValue(), indent, itemSep, keySep, sortKeys, depth + 1, out);
      }
      newline(indent, depth, out);
      out.append('}');
    } else if (v instanceof Iterable || v instanceof Object[]) {
      Iterator<?> it = v instanceof Object[] ? List.of((Object[]) v).iterator() : ((Iterable<?>) v).iterator();
      if (!it.hasNext()) {
        out.append("[]");
        return;
      }
      out.append('[');
      boolean first = true;
      while (it.hasNext()) {
        if (!first) {
          out.append(itemSep);
        }
        first = false;
        newline(indent, depth + 1, out);
        json(it.next(), indent, itemSep, keySep, sortKeys, depth + 1, out);
      }
      newline(indent, depth, out);
      out.append(']');
    } else if (v instanceof Map.Entry) {
      Map.Entry<?, ?> e = (Map.Entry<?, ?>) v;
      json(java.util.Arrays.asList(e.getKey(), e.getValue()), indent, itemSep, keySep, sortKeys, depth, out);
    } else {
      throw new IllegalArgumentException("Object of type " + v.getClass().getSimpleName() + " is not JSON serializable");
    }
  }

  private static String jsonKey(Object key) {
    if (key instanceof CharSequence) {
      return key.toString();
    }
    if (key == null) {
      return "null";
    }
    if (key instanceof Boolean) {
      return (Boolean) key ? "true" : "false";
    }
    if (key instanceof Double || key instanceof Float) {
      return floatRepr(((Number) key).doubleValue());
    }
    if (key instanceof Number) {
      return key.toString();
    }
    throw new IllegalArgumentException("keys must be str, int, float, bool or None, not " + key.getClass().getSimpleName());
  }

  private static void newline(String indent, int depth, StringBuilder out) {
    if (indent != null) {
      out.append('\n');
      for (int i = 0; i < depth; i++) {
        out.append(indent);
      }
    }
  }

  private static void jsonString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
