package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The checkpoint's JSON files read with the shared mapper, with errors naming the file and field path. */
final class JsonFile {
  /** How a field fails: {@code (field path, problem)} to the exception to throw. */
  interface Errors {
    RuntimeException error(String field, String problem);
  }

  private JsonFile() {}

  /** System property: the largest config file read (config.json, generation_config.json, index), default 16 MiB. */
  static final String CONFIG_LIMIT = "persona4j.limit.configBytes";

  /** A regular file of at most the config limit, checked before anything is parsed. */
  static byte[] bytes(Path file) {
    return Json.readInput(file, CONFIG_LIMIT, 16L << 20,
        (problem, cause) -> new CheckpointException(file, null, problem, cause));
  }

  /** The JSON object in {@code text}; whole numbers written as 4096.0 are read as integers. */
  static ObjectNode object(Path file, String text) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new CheckpointException(file, null, "not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    if (!(root instanceof ObjectNode o)) {
      throw new CheckpointException(file, null, "must hold a JSON object");
    }
    wholeNumbersAsIntegers(o);
    return o;
  }

  // 4096.0 is a common way to write an integer in hand-edited configs; 4096.5 stays a float and fails
  private static void wholeNumbersAsIntegers(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.fields().forEachRemaining(e -> {
        JsonNode v = e.getValue();
        if (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < Integer.MAX_VALUE) {
          e.setValue(IntNode.valueOf((int) v.asDouble()));
        }
        wholeNumbersAsIntegers(v);
      });
    }
  }

  /**
   * Binds {@code tree} to {@code type}: unknown fields are ignored, a field of the wrong type fails
   * through {@code errors} naming its path ({@code rope_scaling.factor}, {@code eos_token_id[1]}).
   */
  static <T> T bind(ObjectNode tree, Class<T> type, Errors errors) {
    try {
      return Json.mapper().readerFor(type)
          .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .with(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
          .readValue(tree);
    } catch (JsonMappingException e) {
      StringBuilder path = new StringBuilder();
      JsonNode at = tree;
      Class<?> expected = type;
      for (JsonMappingException.Reference r : e.getPath()) {
        if (r.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
          at = at.path(r.getFieldName());
        } else if (at.isArray()) { // not for a single value read as a list
          path.append('[').append(r.getIndex()).append(']');
          at = at.path(r.getIndex());
        }
      }
      throw errors.error(path.toString(), "must be " + kind(e) + ", got " + at);
    } catch (IOException e) {
      throw new IllegalStateException("reading a tree in memory", e);
    }
  }

  private static String kind(JsonMappingException e) {
    Class<?> t = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null;
    if (t == null) {
      return "of another type";
    } else if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "an integer";
    } else if (t == Double.class || t == double.class) {
      return "a number";
    } else if (t == Boolean.class || t == boolean.class) {
      return "true or false";
    } else if (t == String.class) {
      return "a string";
    } else if (Collection.class.isAssignableFrom(t)) {
      return "a list";
    }
    return Map.class.isAssignableFrom(t) || t.isRecord() ? "an object" : "a " + t.getSimpleName();
  }

  /** {@code ids} as given when every one is a token id, else the failure naming {@code field}. */
  static List<Integer> tokenIds(String field, List<Integer> ids, Errors errors) {
    for (int i = 0; ids != null && i < ids.size(); i++) {
      if (ids.get(i) == null || ids.get(i) < 0) {
        throw errors.error(field, "must be a non-negative token id or a list of them, got " + ids);
      }
    }
    return ids == null ? List.of() : List.copyOf(ids);
  }
}
