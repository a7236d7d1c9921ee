package dev.persona4j.tokenizers;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.objects.SafeString;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str}, {@code dict} and {@code list} methods on the JVM values a template sees, so that
 * {@code message['content'].strip()}, {@code role.startswith('tool')} or {@code d.get('k', 'x')} behave as
 * in Python instead of resolving to Java's methods of the same name (Java's {@code split} takes a regex,
 * for example). Mutating methods are refused, as transformers' immutable sandbox does.
 *
 * <p>It sits first in Jinjava's resolver chain and claims only the calls it implements; everything else
 * falls through to Jinjava's own resolvers.
 */
final class PythonMethodResolver extends ELResolver {
  private static final Set<String> MUTATING = Set.of("append", "extend", "insert", "pop", "remove", "clear",
      "sort", "reverse", "update", "setdefault", "popitem", "add", "discard");

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (base == null || !(method instanceof String)) {
      return null;
    }
    String name = (String) method;
    Object[] args = params == null ? new Object[0] : params;
    Object result;
    if (base instanceof String || base instanceof SafeString) {
      result = stringMethod(base.toString(), name, args);
    } else if (base instanceof Map) {
      result = dictMethod((Map<?, ?>) base, name, args);
    } else if (base instanceof List) {
      result = listMethod((List<?>) base, name, args);
    } else {
      return null;
    }
    if (result == NOT_MINE) {
      return null;
    }
    context.setPropertyResolved(true);
    return result;
  }

  private static final Object NOT_MINE = new Object();

  private static Object stringMethod(String s, String name, Object[] rawArgs) {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    List<Object> args = positional(rawArgs, kwargs);
    switch (name) {
      case "strip":
        return Py.strip(s, optString(args, 0, kwargs, "chars"), true, true);
      case "lstrip":
        return Py.strip(s, optString(args, 0, kwargs, "chars"), true, false);
      case "rstrip":
        return Py.strip(s, optString(args, 0, kwargs, "chars"), false, true);
      case "upper":
        return s.toUpperCase(Locale.ROOT);
      case "lower":
      case "casefold":
        return s.toLowerCase(Locale.ROOT);
      case "title":
        return Py.title(s);
      case "capitalize":
        return Py.capitalize(s);
      case "swapcase": {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> out.appendCodePoint(
            Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)));
        return out.toString();
      }
      case "startswith":
      case "endswith": {
        Object affix = arg(args, 0, kwargs, "prefix");
        String target = slice(s, args, 1);
        Collection<?> options = affix instanceof Collection ? (Collection<?>) affix : List.of(affix);
        for (Object option : options) {
          String text = requireString(option, name);
          if (name.equals("startswith") ? target.startsWith(text) : target.endsWith(text)) {
            return true;
          }
        }
        return false;
      }
      case "split":
      case "rsplit": {
        String sep = optString(args, 0, kwargs, "sep");
        Object max = args.size() > 1 ? args.get(1) : kwargs.get("maxsplit");
        int maxSplit = max == null ? -1 : (int) Py.toLong(max, "maxsplit");
        return name.equals("split") ? Py.split(s, sep, maxSplit) : Py.rsplit(s, sep, maxSplit);
      }
      case "splitlines": {
        boolean keep = Py.truthy(args.isEmpty() ? kwargs.get("keepends") : args.get(0));
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85
              || c == 0x2028 || c == 0x2029) {
            int end = i;
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
              i++;
            }
            lines.add(s.substring(start, keep ? i + 1 : end));
            start = i + 1;
          }
        }
        if (start < s.length()) {
          lines.add(s.substring(start));
        }
        return lines;
      }
      case "replace": {
        String old = requireString(arg(args, 0, kwargs, "old"), name);
        String replacement = requireString(arg(args, 1, kwargs, "new"), name);
        long count = args.size() > 2 ? Py.toLong(args.get(2), "count") : -1;
        return replace(s, old, replacement, count);
      }
      case "find":
      case "index":
      case "rfind":
      case "rindex": {
        String sub = requireString(arg(args, 0, kwargs, "sub"), name);
        int at = name.startsWith("r") ? s.lastIndexOf(sub) : s.indexOf(sub);
        if (at < 0 && name.endsWith("index")) {
          throw new ELException("substring not found");
        }
        return at < 0 ? -1 : s.codePointCount(0, at);
      }
      case "count": {
        String sub = requireString(arg(args, 0, kwargs, "sub"), name);
        if (sub.isEmpty()) {
          return s.codePointCount(0, s.length()) + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
          n++;
        }
        return n;
      }
      case "join": {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : iterable(arg(args, 0, kwargs, "iterable"))) {
          if (!first) {
            out.append(s);
          }
          first = false;
          out.append(requireString(item, "join"));
        }
        return out.toString();
      }
      case "format":
        return PyFormat.format(s, args, kwargs);
      case "removeprefix": {
        String p = requireString(arg(args, 0, kwargs, "prefix"), name);
        return s.startsWith(p) ? s.substring(p.length()) : s;
      }
      case "removesuffix": {
        String p = requireString(arg(args, 0, kwargs, "suffix"), name);
        return s.endsWith(p) && !p.isEmpty() ? s.substring(0, s.length() - p.length()) : s;
      }
      case "partition":
      case "rpartition": {
        String sep = requireString(arg(args, 0, kwargs, "sep"), name);
        int at = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
        if (at < 0) {
          return name.equals("partition") ? List.of(s, "", "") : List.of("", "", s);
        }
        return List.of(s.substring(0, at), sep, s.substring(at + sep.length()));
      }
      case "zfill": {
        int width = (int) Py.toLong(arg(args, 0, kwargs, "width"), "width");
        int sign = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        StringBuilder out = new StringBuilder(s.substring(0, sign));
        for (int i = s.length(); i < width; i++) {
          out.append('0');
        }
        return out.append(s.substring(sign)).toString();
      }
      case "center":
      case "ljust":
      case "rjust": {
        int width = (int) Py.toLong(arg(args, 0, kwargs, "width"), "width");
        String fill = args.size() > 1 ? requireString(args.get(1), name) : " ";
        int pad = Math.max(0, width - s.codePointCount(0, s.length()));
        int left = name.equals("ljust") ? 0 : name.equals("rjust") ? pad : pad / 2 + (pad & width & 1);
        return fill.repeat(left) + s + fill.repeat(pad - left);
      }
      case "isdigit":
      case "isnumeric":
      case "isdecimal":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
      case "isalpha":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
      case "isalnum":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
      case "isspace":
        return !s.isEmpty() && s.codePoints().allMatch(Py::isSpace);
      case "islower":
        return s.codePoints().anyMatch(Character::isLowerCase) && s.codePoints().noneMatch(Character::isUpperCase);
      case "isupper":
        return s.codePoints().anyMatch(Character::isUpperCase) && s.codePoints().noneMatch(Character::isLowerCase);
      default:
        return NOT_MINE;
    }
  }

  private static Object dictMethod(Map<?, ?> map, String name, Object[] rawArgs) {
    if (MUTATING.contains(name)) {
      throw new ELException("access to attribute '" + name + "' of 'dict' object is unsafe");
    }
    switch (name) {
      case "get":
        if (rawArgs.length == 0 || rawArgs.length > 2) {
          return NOT_MINE;
        }
        return map.containsKey(rawArgs[0]) ? map.get(rawArgs[0]) : rawArgs.length == 2 ? rawArgs[1] : null;
      case "keys":
        return rawArgs.length == 0 ? new ArrayList<>(map.keySet()) : NOT_MINE;
      case "values":
        return rawArgs.length == 0 ? new ArrayList<>(map.values()) : NOT_MINE;
      case "items":
        return rawArgs.length == 0 ? new ArrayList<>(map.entrySet()) : NOT_MINE;
      default:
        return NOT_MINE;
    }
  }

  private static Object listMethod(List<?> list, String name, Object[] rawArgs) {
    if (MUTATING.contains(name)) {
      throw new ELException("access to attribute '" + name + "' of 'list' object is unsafe");
    }
    switch (name) {
      case "index": {
        int at = rawArgs.length == 1 ? list.indexOf(rawArgs[0]) : -2;
        if (at == -1) {
          throw new ELException(Py.repr(rawArgs[0]) + " is not in list");
        }
        return at == -2 ? NOT_MINE : at;
      }
      case "count":
        if (rawArgs.length != 1) {
          return NOT_MINE;
        }
        return list.stream().filter(x -> x == null ? rawArgs[0] == null : x.equals(rawArgs[0])).count();
      default:
        return NOT_MINE;
    }
  }

  private static String replace(String s, String old, String replacement, long count) {
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (long n = 0; n < count; n++) {
      int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(s, from, at).append(replacement);
      if (old.isEmpty()) {
        if (at < s.length()) {
          out.append(s.charAt(at));
        }
        from = at + 1;
      } else {
        from = at + old.length();
      }
    }
    if (from <= s.length()) {
      out.append(s.substring(from));
    }
    return out.toString();
  }

  private static List<Object> positional(Object[] raw, Map<String, Object> kwargs) {
    List<Object> args = new ArrayList<>();
    for (Object a : raw) {
      if (a instanceof NamedParameter) {
        kwargs.put(((NamedParameter) a).getName(), ((NamedParameter) a).getValue());
      } else {
        args.add(a);
      }
    }
    return args;
  }

  private static Object arg(List<Object> args, int i, Map<String, Object> kwargs, String name) {
    if (i < args.size()) {
      return args.get(i);
    }
    if (kwargs.containsKey(name)) {
      return kwargs.get(name);
    }
    throw new ELException("missing required argument '" + name + "'");
  }

  private static String optString(List<Object> args, int i, Map<String, Object> kwargs, String name) {
    Object v = i < args.size() ? args.get(i) : kwargs.get(name);
    return v == null ? null : requireString(v, name);
  }

  /** The optional start/end arguments of startswith/endswith. */
  private static String slice(String s, List<Object> args, int from) {
    int n = s.length();
    int start = args.size() > from && args.get(from) != null ? index(Py.toLong(args.get(from), "start"), n) : 0;
    int end = args.size() > from + 1 && args.get(from + 1) != null ? index(Py.toLong(args.get(from + 1), "end"), n) : n;
    return start >= end ? "" : s.substring(start, end);
  }

  private static int index(long i, int n) {
    long j = i < 0 ? i + n : i;
    return (int) Math.max(0, Math.min(n, j));
  }

  private static String requireString(Object v, String where) {
    if (v instanceof String || v instanceof SafeString) {
      return v.toString();
    }
    throw new ELException(where + "() expects a string, got " + Py.repr(v));
  }

  private static Iterable<?> iterable(Object v) {
    if (v instanceof Iterable) {
      return (Iterable<?>) v;
    }
    if (v instanceof Map) {
      return ((Map<?, ?>) v).keySet();
    }
    if (v instanceof String) {
      List<String> chars = new ArrayList<>();
      ((String) v).codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
      return chars;
    }
    throw new ELException(Py.repr(v) + " is not iterable");
  }

  /** Python string indexing ({@code s[0]}, {@code s[-1]}); out of range is undefined, as in Jinja. */
  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    // Jinjava hands the index over as a number or as its decimal text.
    Long index = property instanceof Long || property instanceof Integer ? Long.valueOf(((Number) property).longValue())
        : property instanceof String && ((String) property).matches("-?\\d{1,9}") ? Long.valueOf((String) property)
        : null;
    if ((base instanceof String || base instanceof SafeString) && index != null) {
      context.setPropertyResolved(true);
      String s = base.toString();
      int[] points = s.codePoints().toArray();
      long i = index;
      if (i < 0) {
        i += points.length;
      }
      return i < 0 || i >= points.length ? null : new String(Character.toChars(points[(int) i]));
    }
    return null;
  }

  // The rest of ELResolver: this resolver only reads string items and invokes methods.

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // not ours
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
