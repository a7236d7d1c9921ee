package dev.persona4j.tokenizers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELException;

/** Python's {@code str.format}: positional and named fields, {@code !r/!s}, and the common format specs. */
final class PyFormat {
  private PyFormat() {}

  static String format(String template, List<Object> args, Map<String, Object> kwargs) {
    StringBuilder out = new StringBuilder();
    int auto = 0;
    int i = 0;
    int n = template.length();
    while (i < n) {
      char c = template.charAt(i);
      if (c == '{') {
        if (i + 1 < n && template.charAt(i + 1) == '{') {
          out.append('{');
          i += 2;
          continue;
        }
        int close = template.indexOf('}', i);
        if (close < 0) {
          throw new ELException("Single '{' encountered in format string");
        }
        String field = template.substring(i + 1, close);
        i = close + 1;
        String spec = "";
        char conversion = 0;
        int colon = field.indexOf(':');
        if (colon >= 0) {
          spec = field.substring(colon + 1);
          field = field.substring(0, colon);
        }
        int bang = field.indexOf('!');
        if (bang >= 0) {
          conversion = field.length() > bang + 1 ? field.charAt(bang + 1) : 0;
          field = field.substring(0, bang);
        }
        Object value = lookup(field.isEmpty() ? String.valueOf(auto++) : field, args, kwargs);
        if (conversion == 'r') {
          value = Py.repr(value);
        } else if (conversion == 's') {
          value = Py.str(value);
        }
        out.append(applySpec(value, spec));
      } else if (c == '}') {
        if (i + 1 < n && template.charAt(i + 1) == '}') {
          i += 2;
          out.append('}');
          continue;
        }
        throw new ELException("Single '}' encountered in format string");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static Object lookup(String field, List<Object> args, Map<String, Object> kwargs) {
    int end = 0;
    while (end < field.length() && field.charAt(end) != '.' && field.charAt(end) != '[') {
      end++;
    }
    String head = field.substring(0, end);
    Object value;
    if (!head.isEmpty() && head.chars().allMatch(Character::isDigit)) {
      int index = Integer.parseInt(head);
      if (index >= args.size()) {
        throw new ELException("Replacement index " + index + " out of range for positional args tuple");
      }
      value = args.get(index);
    } else if (kwargs.containsKey(head)) {
      value = kwargs.get(head);
    } else {
      throw new ELException("KeyError: " + Py.repr(head));
    }
    String rest = field.substring(end);
    while (!rest.isEmpty()) {
      String key;
      if (rest.charAt(0) == '.') {
        int next = 1;
        while (next < rest.length() && rest.charAt(next) != '.' && rest.charAt(next) != '[') {
          next++;
        }
        key = rest.substring(1, next);
        rest = rest.substring(next);
      } else {
        int close = rest.indexOf(']');
        if (close < 0) {
          throw new ELException("Missing ']' in format string");
        }
        key = rest.substring(1, close);
        rest = rest.substring(close + 1);
      }
      if (value instanceof Map) {
        value = ((Map<?, ?>) value).get(key);
      } else if (value instanceof List && key.chars().allMatch(Character::isDigit)) {
        value = ((List<?>) value).get(Integer.parseInt(key));
      } else {
        throw new ELException("cannot look up " + key + " in " + Py.repr(value));
      }
    }
    return value;
  }

  /** [[fill]align][sign][0][width][,][.precision][type] */
  private static String applySpec(Object value, String spec) {
    if (spec.isEmpty()) {
      return Py.str(value);
    }
    int i = 0;
    char fill = ' ';
    char align = 0;
    if (spec.length() >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
      fill = spec.charAt(0);
      align = spec.charAt(1);
      i = 2;
    } else if ("<>^=".indexOf(spec.charAt(0)) >= 0) {
      align = spec.charAt(0);
      i = 1;
    }
    char sign = '-';
    if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) {
      sign = spec.charAt(i++);
    }
    if (i < spec.length() && spec.charAt(i) == '0') {
      if (align == 0) {
        fill = '0';
        align = '=';
      }
      i++;
    }
    int width = 0;
    while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
      width = width * 10 + (spec.charAt(i++) - '0');
    }
    boolean grouping = i < spec.length() && spec.charAt(i) == ',';
    if (grouping) {
      i++;
    }
    int precision = -1;
    if (i < spec.length() && spec.charAt(i) == '.') {
      i++;
      precision = 0;
      while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
        precision = precision * 10 + (spec.charAt(i++) - '0');
      }
    }
    char type = i < spec.length() ? spec.charAt(i) : 0;
    String body;
    boolean numeric = value instanceof Number && !(value instanceof Boolean);
    if (numeric) {
      double d = ((Number) value).doubleValue();
      boolean integral = !(value instanceof Double || value instanceof Float || value instanceof BigDecimal);
      String digits;
      if (type == 'f' || type == 'F' || type == '%' || (type == 0 && !integral && precision >= 0)) {
        double v = type == '%' ? d * 100 : d;
        digits = new BigDecimal(Math.abs(v)).setScale(precision < 0 ? 6 : precision, RoundingMode.HALF_EVEN)
            .toPlainString() + (type == '%' ? "%" : "");
      } else if (type == 'e' || type == 'E') {
        digits = String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "e", Math.abs(d));
        if (type == 'E') {
          digits = digits.toUpperCase(Locale.ROOT);
        }
      } else if (type == 'x' || type == 'X' || type == 'o' || type == 'b') {
        long l = Math.abs(((Number) value).longValue());
        digits = type == 'o' ? Long.toOctalString(l) : type == 'b' ? Long.toBinaryString(l) : Long.toHexString(l);
        if (type == 'X') {
          digits = digits.toUpperCase(Locale.ROOT);
        }
      } else if (integral) {
        digits = String.valueOf(Math.abs(((Number) value).longValue()));
      } else {
        digits = Py.floatRepr(Math.abs(d));
      }
      if (grouping) {
        int dot = digits.indexOf('.');
        String intPart = dot < 0 ? digits : digits.substring(0, dot);
        StringBuilder g = new StringBuilder();
        for (int k = 0; k < intPart.length(); k++) {
          if (k > 0 && (intPart.length() - k) % 3 == 0) {
            g.append(',');
          }
          g.append(intPart.charAt(k));
        }
        digits = g + (dot < 0 ? "" : digits.substring(dot));
      }
      String signText = d < 0 || (d == 0 && 1 / d < 0) ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
      if (align == '=') {
        StringBuilder padded = new StringBuilder(signText);
        for (int k = signText.length() + digits.length(); k < width; k++) {
          padded.append(fill);
        }
        return padded.append(digits).toString();
      }
      body = signText + digits;
      if (align == 0) {
        align = '>';
      }
    } else {
      body = Py.str(value);
      if (precision >= 0 && body.length() > precision) {
        body = body.substring(0, precision);
      }
      if (align == 0) {
        align = '<';
      }
    }
    int pad = Math.max(0, width - body.codePointCount(0, body.length()));
    String f = String.valueOf(fill);
    switch (align) {
      case '>':
        return f.repeat(pad) + body;
      case '^':
        return f.repeat(pad / 2) + body + f.repeat(pad - pad / 2);
      default:
        return body + f.repeat(pad);
    }
  }
}
