package dev.persona4j.tokenizers;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies what a caller hands a template into plain JSON-like data (strings, numbers, booleans, null, lists,
 * insertion-ordered maps): templates then cannot reach Java objects' methods, cannot change the caller's
 * collections, and print dicts in the caller's key order as Python would.
 */
final class TemplateValues {
  private static final int MAX_DEPTH = 64;

  private TemplateValues() {}

  static Object copy(Object value, String path) {
    return copy(value, path, 0);
  }

  private static Object copy(Object value, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(path + ": nested deeper than " + MAX_DEPTH + " levels (a cycle?)");
    }
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof CharSequence || value instanceof Character) {
      return value.toString();
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof BigInteger || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Optional) {
      return copy(((Optional<?>) value).orElse(null), path, depth);
    }
    if (value instanceof ChatMessage) {
      return copy(((ChatMessage) value).toMap(), path, depth);
    }
    if (value instanceof Map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        Object key = e.getKey() instanceof CharSequence ? e.getKey().toString() : e.getKey();
        out.put(key, copy(e.getValue(), path + "." + key, depth + 1));
      }
      return out;
    }
    if (value instanceof Iterable) {
      List<Object> out = new ArrayList<>();
      int i = 0;
      for (Object item : (Iterable<?>) value) {
        out.add(copy(item, path + "[" + i++ + "]", depth + 1));
      }
      return out;
    }
    if (value instanceof Object[]) {
      return copy(java.util.Arrays.asList((Object[]) value), path, depth);
    }
    throw new IllegalArgumentException(path + ": a template value must be a string, number, boolean, null, list"
        + " or map, not " + value.getClass().getName());
  }
}
