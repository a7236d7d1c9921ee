package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Typed access to the fields of a JSON object, with errors naming the file and field path. */
final class JsonFile {
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Path file;
  private final String prefix;
  private final JsonNode node;

  private JsonFile(Path file, String prefix, JsonNode node) {
    this.file = file;
    this.prefix = prefix;
    this.node = node;
  }

  static JsonFile parse(Path file, String text) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new CheckpointException(file, null, "not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file, null, "must hold a JSON object");
    }
    return new JsonFile(file, "", root);
  }

  Path file() {
    return file;
  }

  JsonNode node() {
    return node;
  }

  private String path(String field) {
    return prefix + field;
  }

  CheckpointException error(String field, String problem) {
    return new CheckpointException(file, path(field), problem);
  }

  /** The field, absent when missing or JSON null. */
  Optional<JsonNode> get(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  boolean has(String field) {
    return get(field).isPresent();
  }

  /** The nested object, absent when missing or null. */
  Optional<JsonFile> object(String field) {
    return get(field)
        .map(
            v -> {
              if (!v.isObject()) {
                throw error(field, "must be an object, got " + v);
              }
              return new JsonFile(file, path(field) + ".", v);
            });
  }

  OptionalInt optInt(String field) {
    Optional<JsonNode> v = get(field);
    if (v.isEmpty()) {
      return OptionalInt.empty();
    }
    JsonNode n = v.get();
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      // 4096.0 is a common way to write an integer in hand-edited configs
      if (n.isNumber() && n.asDouble() == Math.rint(n.asDouble()) && Math.abs(n.asDouble()) < Integer.MAX_VALUE) {
        return OptionalInt.of((int) n.asDouble());
      }
      throw error(field, "must be an integer, got " + n);
    }
    return OptionalInt.of(n.asInt());
  }

  /** The first present of the alias fields, as a positive integer. */
  int requirePositiveInt(String... aliases) {
    for (String a : aliases) {
      OptionalInt v = optInt(a);
      if (v.isPresent()) {
        return positive(a, v.getAsInt());
      }
    }
    throw error(aliases[0], "missing (required" + (aliases.length > 1 ? ", or " + String.join(" / ", List.of(aliases).subList(1, aliases.length)) : "") + ")");
  }

  OptionalInt optPositiveInt(String... aliases) {
    for (String a : aliases) {
      OptionalInt v = optInt(a);
      if (v.isPresent()) {
        return OptionalInt.of(positive(a, v.getAsInt()));
      }
    }
    return OptionalInt.empty();
  }

  private int positive(String field, int v) {
    if (v <= 0) {
      throw error(field, "must be positive, got " + v);
    }
    return v;
  }

  OptionalDouble optDouble(String field) {
    Optional<JsonNode> v = get(field);
    if (v.isEmpty()) {
      return OptionalDouble.empty();
    }
    if (!v.get().isNumber()) {
      throw error(field, "must be a number, got " + v.get());
    }
    double d = v.get().asDouble();
    if (!Double.isFinite(d)) {
      throw error(field, "must be finite, got " + d);
    }
    return OptionalDouble.of(d);
  }

  Optional<Boolean> optBool(String field) {
    Optional<JsonNode> v = get(field);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.get().isBoolean()) {
      throw error(field, "must be true or false, got " + v.get());
    }
    return Optional.of(v.get().asBoolean());
  }

  Optional<String> optString(String field) {
    Optional<JsonNode> v = get(field);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.get().isTextual()) {
      throw error(field, "must be a string, got " + v.get());
    }
    return Optional.of(v.get().asText());
  }

  /** An integer or a list of integers (e.g. {@code eos_token_id}); empty when absent. */
  List<Integer> intOrIntList(String field) {
    Optional<JsonNode> v = get(field);
    List<Integer> out = new ArrayList<>();
    if (v.isEmpty()) {
      return out;
    }
    JsonNode n = v.get();
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        JsonNode e = n.get(i);
        if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 0) {
          throw error(field + "[" + i + "]", "must be a non-negative integer, got " + e);
        }
        out.add(e.asInt());
      }
    } else if (n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 0) {
      out.add(n.asInt());
    } else {
      throw error(field, "must be a non-negative integer or a list of them, got " + n);
    }
    return out;
  }

  OptionalInt optTokenId(String field) {
    List<Integer> ids = intOrIntList(field);
    if (ids.isEmpty()) {
      return OptionalInt.empty();
    }
    if (ids.size() > 1 || get(field).get().isArray()) {
      if (ids.size() == 1) {
        return OptionalInt.of(ids.get(0));
      }
      throw error(field, "must be a single token id, got " + get(field).get());
    }
    return OptionalInt.of(ids.get(0));
  }
}
