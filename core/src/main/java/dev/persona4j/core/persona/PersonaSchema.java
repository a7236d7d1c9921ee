package dev.persona4j.core.persona;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.serialization.node.TokenStreamLocationAware;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A JSON Schema (2020-12) that documents are checked against before Jackson binds them, with the schema's
 * verdict turned into one typed error in words: the field path, line and column of the first violation in
 * the document, and what is wrong ({@code expected a string, found a number (42)}).
 */
final class PersonaSchema {
  /** The persona file schema, {@code docs/persona.schema.json} (copied into the jar at build time). */
  static final PersonaSchema PERSONA_FILE = load("persona.schema.json");
  /** The shapes persona4j reads from Character Cards (V1, V2, V3): types only, unknown fields welcome. */
  static final PersonaSchema CHARACTER_CARD = load("character-card.schema.json");
  /** A conversation file: a list of messages, or an object with {@code messages}. */
  static final PersonaSchema CONVERSATION = load("conversation.schema.json");

  private final String resource;
  private final JsonNode tree;
  private final Schema schema;

  private PersonaSchema(String resource, JsonNode tree) {
    this.resource = resource;
    this.tree = tree;
    this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(tree);
  }

  private static PersonaSchema load(String resource) {
    try (InputStream in = PersonaSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing from the jar: " + resource);
      }
      return new PersonaSchema(resource, Json.mapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + resource, e);
    }
  }

  /** The schema as a tree (for tests and tools). */
  JsonNode tree() {
    return tree.deepCopy();
  }

  /** The resource name, e.g. {@code persona.schema.json}. */
  String resource() {
    return resource;
  }

  /** Throws the first violation (in document order) of this schema by {@code doc}'s root. */
  void check(PersonaDocument doc) {
    List<Error> errors = schema.validate(doc.root());
    if (errors.isEmpty()) {
      return;
    }
    Error first = errors.stream().min(Comparator.comparingLong(PersonaSchema::position)).orElseThrow();
    throw explain(doc, first);
  }

  private static long position(Error e) {
    JsonNode at = e.getProperty() != null && e.getInstanceNode().has(e.getProperty())
        ? e.getInstanceNode().get(e.getProperty()) : e.getInstanceNode();
    if (at instanceof TokenStreamLocationAware a && a.tokenStreamLocation() != null) {
      return ((long) a.tokenStreamLocation().getLineNr() << 32) + a.tokenStreamLocation().getColumnNr();
    }
    return Long.MAX_VALUE;
  }

  /** The violation in words, at its field. */
  private PersonaFormatException explain(PersonaDocument doc, Error e) {
    List<Object> segments = new ArrayList<>();
    for (int i = 0; i < e.getInstanceLocation().getNameCount(); i++) {
      segments.add(e.getInstanceLocation().getElement(i));
    }
    JsonNode node = e.getInstanceNode();
    String last = segments.isEmpty() ? "" : String.valueOf(segments.get(segments.size() - 1));
    String schemaAt = e.getSchemaLocation().getFragment().toString();
    String problem;
    switch (e.getKeyword()) {
      case "required" -> {
        segments.add(e.getProperty());
        problem = "required field is missing" + switch (e.getProperty()) {
          case "schema" -> " (expected \"" + PersonaFile.SCHEMA_ID + "\")";
          case "keys" -> " (a lorebook entry needs keys unless it is constant)";
          default -> "";
        };
        return doc.error(PersonaDocument.path(segments), node, problem, null);
      }
      case "additionalProperties" -> {
        segments.add(e.getProperty());
        JsonNode properties = tree.at(JsonPointer.compile(schemaAt).head()).path("properties");
        TreeSet<String> known = new TreeSet<>();
        properties.fieldNames().forEachRemaining(known::add);
        return doc.error(PersonaDocument.path(segments), node.get(e.getProperty()),
            "unknown field (expected one of: " + String.join(", ", known) + ")", null);
      }
      case "type" -> {
        String expected = words(e.getSchemaNode());
        problem = "expected " + expected + ", found " + PersonaDocument.describe(node)
            + (expected.equals("a string") && node.isValueNode() ? " (quote it)" : "");
      }
      case "const" -> problem = last.equals("schema")
          ? "unsupported schema \"" + node.asText() + "\" (expected \"" + e.getSchemaNode().asText() + "\")"
          : "expected " + e.getSchemaNode() + ", found " + node;
      case "enum" -> problem = last.equals("role") && node.isTextual()
          ? "unknown role \"" + node.textValue() + "\" (expected user or character)"
          : last.equals("spec") && node.isTextual()
          ? "unsupported card spec \"" + node.textValue() + "\" (expected chara_card_v2 or chara_card_v3)"
          : "expected one of " + e.getSchemaNode() + ", found " + (node.isTextual() ? node.toString() : PersonaDocument.describe(node));
      case "pattern" -> problem = schemaAt.contains("nonBlank") ? "must not be blank" : unknownPlaceholder(node.asText(),
          schemaAt.contains("textWithOriginal"));
      case "minItems" -> problem = last.equals("keys") ? "a lorebook entry needs at least one key unless it is constant"
          : schemaAt.contains("exchange") ? "an example dialogue needs at least one line"
          : "needs at least " + e.getSchemaNode().asInt() + " item(s)";
      case "minimum" -> problem = e.getSchemaNode().asInt() == 0 ? "must not be negative, got " + node
          : "must be at least " + e.getSchemaNode() + ", got " + node;
      default -> problem = e.getMessage();
    }
    return doc.error(PersonaDocument.path(segments), node, problem, null);
  }

  private static String unknownPlaceholder(String text, boolean allowOriginal) {
    return "unknown placeholder " + Placeholders.firstUnknown(text, allowOriginal).orElse("{{...}}")
        + " (allowed: {{char}}, {{user}}" + (allowOriginal ? ", {{original}}" : "") + ")";
  }

  /** A schema {@code type} in words: {@code a string}, {@code a list}, {@code true or false}... */
  private static String words(JsonNode type) {
    List<String> types = new ArrayList<>();
    if (type.isArray()) {
      type.forEach(t -> types.add(t.asText()));
    } else {
      types.add(type.asText());
    }
    return types.stream().filter(t -> !t.equals("null")).map(t -> switch (t) {
      case "string" -> "a string";
      case "array" -> "a list";
      case "object" -> "an object (mapping)";
      case "boolean" -> "true or false";
      case "integer" -> "an integer";
      case "number" -> "a number";
      default -> t;
    }).collect(Collectors.joining(" or "));
  }
}
