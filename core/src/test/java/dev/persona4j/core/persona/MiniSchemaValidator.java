package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The subset of JSON Schema 2020-12 that docs/persona.schema.json uses (type, const, enum, required,
 * properties, additionalProperties:false, items, minItems, minimum, pattern, $ref to #/$defs, allOf,
 * if/then/else). Unknown keywords fail loudly so the schema cannot drift beyond what is checked.
 */
final class MiniSchemaValidator {
  private static final java.util.Set<String> KNOWN = java.util.Set.of("$schema", "$id", "title", "description",
      "type", "const", "enum", "required", "properties", "additionalProperties", "items", "minItems", "minimum",
      "pattern", "$ref", "allOf", "if", "then", "else", "$defs");
  private final JsonNode root;

  MiniSchemaValidator(JsonNode root) {
    this.root = root;
  }

  /** Violations of the schema by {@code value}; empty when valid. */
  List<String> validate(JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(root, value, "$", errors);
    return errors;
  }

  private void check(JsonNode schema, JsonNode v, String path, List<String> errors) {
    Iterator<String> keywords = schema.fieldNames();
    while (keywords.hasNext()) {
      String k = keywords.next();
      if (!KNOWN.contains(k)) {
        throw new IllegalStateException("schema keyword not supported by the test validator: " + k);
      }
    }
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      if (!ref.startsWith("#/$defs/")) {
        throw new IllegalStateException("unsupported $ref " + ref);
      }
      JsonNode target = root.get("$defs").get(ref.substring("#/$defs/".length()));
      if (target == null) {
        throw new IllegalStateException("dangling $ref " + ref);
      }
      check(target, v, path, errors);
    }
    if (schema.has("type") && !typeMatches(schema.get("type").asText(), v)) {
      errors.add(path + ": expected " + schema.get("type").asText() + ", found " + v.getNodeType());
      return;
    }
    if (schema.has("const") && !schema.get("const").equals(v)) {
      errors.add(path + ": expected " + schema.get("const"));
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(v);
      }
      if (!found) {
        errors.add(path + ": not one of " + schema.get("enum"));
      }
    }
    if (schema.has("pattern") && v.isTextual() && !Pattern.compile(schema.get("pattern").asText()).matcher(v.textValue()).find()) {
      errors.add(path + ": does not match " + schema.get("pattern").asText());
    }
    if (schema.has("minimum") && v.isNumber() && v.doubleValue() < schema.get("minimum").doubleValue()) {
      errors.add(path + ": below minimum");
    }
    if (v.isObject()) {
      for (JsonNode r : schema.path("required")) {
        if (!v.has(r.asText())) {
          errors.add(path + ": missing required " + r.asText());
        }
      }
      JsonNode props = schema.get("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> f = it.next();
        if (props != null && props.has(f.getKey())) {
          check(props.get(f.getKey()), f.getValue(), path + "." + f.getKey(), errors);
        } else if (schema.has("additionalProperties") && !schema.get("additionalProperties").asBoolean(true)) {
          errors.add(path + ": unknown property " + f.getKey());
        }
      }
    }
    if (v.isArray()) {
      if (schema.has("minItems") && v.size() < schema.get("minItems").asInt()) {
        errors.add(path + ": fewer than " + schema.get("minItems") + " items");
      }
      if (schema.has("items")) {
        for (int i = 0; i < v.size(); i++) {
          check(schema.get("items"), v.get(i), path + "[" + i + "]", errors);
        }
      }
    }
    for (JsonNode sub : schema.path("allOf")) {
      check(sub, v, path, errors);
    }
    if (schema.has("if")) {
      List<String> probe = new ArrayList<>();
      check(schema.get("if"), v, path, probe);
      JsonNode branch = probe.isEmpty() ? schema.get("then") : schema.get("else");
      if (branch != null) {
        check(branch, v, path, errors);
      }
    }
  }

  private static boolean typeMatches(String type, JsonNode v) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      case "null" -> v.isNull();
      default -> throw new IllegalStateException("unsupported type " + type);
    };
  }
}
