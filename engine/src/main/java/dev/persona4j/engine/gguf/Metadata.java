package dev.persona4j.engine.gguf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Typed reads of a GGUF file's metadata, failing with the file and key named. */
final class Metadata {
  private final Path file;
  private final Map<String, Object> values;

  Metadata(Path file, Map<String, Object> values) {
    this.file = file;
    this.values = values;
  }

  Path file() {
    return file;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  GgufException error(String key, String problem) {
    return new GgufException(file, key, problem);
  }

  private Object required(String key) {
    Object v = values.get(key);
    if (v == null) {
      throw error(key, "missing metadata key (required)");
    }
    return v;
  }

  /** A non-negative integer of any integer type. */
  OptionalLong optLong(String key) {
    Object v = values.get(key);
    if (v == null) {
      return OptionalLong.empty();
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw error(key, "must be an integer, got " + describe(v));
    }
    long n = ((Number) v).longValue();
    if (n < 0) {
      throw error(key, "must not be negative, got " + n);
    }
    return OptionalLong.of(n);
  }

  /** A positive integer that fits an int. */
  int positiveInt(String key) {
    required(key);
    return positiveInt(key, optLong(key).getAsLong());
  }

  int positiveInt(String key, long n) {
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw error(key, "must be a positive int, got " + n);
    }
    return (int) n;
  }

  Optional<Double> optDouble(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Float || v instanceof Double)) {
      throw error(key, "must be a float, got " + describe(v));
    }
    double d = ((Number) v).doubleValue();
    if (!Double.isFinite(d)) {
      throw error(key, "must be finite, got " + d);
    }
    return Optional.of(d);
  }

  Optional<String> optString(String key) {
    Object v = values.get(key);
    if (v != null && !(v instanceof String)) {
      throw error(key, "must be a string, got " + describe(v));
    }
    return Optional.ofNullable((String) v);
  }

  String string(String key) {
    required(key);
    return optString(key).orElseThrow();
  }

  Optional<Boolean> optBool(String key) {
    Object v = values.get(key);
    if (v != null && !(v instanceof Boolean)) {
      throw error(key, "must be a bool, got " + describe(v));
    }
    return Optional.ofNullable((Boolean) v);
  }

  /** An array of strings. */
  List<String> strings(String key) {
    Object v = required(key);
    if (!(v instanceof List<?> list) || !list.stream().allMatch(e -> e instanceof String)) {
      throw error(key, "must be an array of strings, got " + describe(v));
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) list;
    return strings;
  }

  /** An array of integers. */
  int[] ints(String key) {
    Object v = required(key);
    if (!(v instanceof List<?> list) || !list.stream().allMatch(e -> e instanceof Integer || e instanceof Long)) {
      throw error(key, "must be an array of integers, got " + describe(v));
    }
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).intValue();
    }
    return out;
  }

  private static String describe(Object v) {
    if (v instanceof List<?> list) {
      return "an array of " + list.size();
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
  }
}
