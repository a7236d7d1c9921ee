package dev.persona4j.core.persona;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A JSON or YAML document read into a Jackson tree while remembering where each node started, so that
 * errors found while mapping the tree can name the line and column.
 */
final class LocatedTree {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final int MAX_DEPTH = 200;

  final String source;
  final JsonNode root;
  private final Map<String, JsonLocation> locations;
  private final ExceptionFactory errors;

  /** Creates the exception type of the caller (persona file, card, conversation). */
  interface ExceptionFactory {
    PersonaFormatException create(String source, String path, int line, int column, String problem, Throwable cause);
  }

  static final ExceptionFactory PERSONA_ERRORS = PersonaFormatException::new;
  static final ExceptionFactory CARD_ERRORS = CharacterCardException::new;

  private LocatedTree(String source, JsonNode root, Map<String, JsonLocation> locations, ExceptionFactory errors) {
    this.source = source;
    this.root = root;
    this.locations = locations;
    this.errors = errors;
  }

  /** Parses a whole document; syntax errors become exceptions with line and column. */
  static LocatedTree parse(String text, JsonFactory factory, String source, ExceptionFactory errors) {
    Map<String, JsonLocation> locations = new HashMap<>();
    try (JsonParser p = factory.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw errors.create(source, "", -1, -1, "the document is empty", null);
      }
      JsonNode root = read(p, "", locations, source, errors, 0);
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        JsonLocation l = p.currentTokenLocation();
        throw errors.create(source, "", l.getLineNr(), l.getColumnNr(),
            "unexpected content after the document (only one document is read)", null);
      }
      return new LocatedTree(source, root, locations, errors);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      int line = l == null ? -1 : l.getLineNr();
      int column = l == null ? -1 : l.getColumnNr();
      String message = firstLine(e.getOriginalMessage());
      if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
        // SnakeYAML knows both where the construct started and where it went wrong: say both.
        line = m.getProblemMark().getLine() + 1;
        column = m.getProblemMark().getColumn() + 1;
        Mark context = m.getContextMark();
        message = (m.getContext() == null ? "" : m.getContext()
            + (context == null ? "" : " (from line " + (context.getLine() + 1) + ", column " + (context.getColumn() + 1) + ")")
            + ": ") + m.getProblem();
      }
      throw errors.create(source, "", line, column, "malformed " + factory.getFormatName() + ": " + message, e);
    } catch (IOException e) {
      throw errors.create(source, "", -1, -1, "cannot read: " + e.getMessage(), e);
    }
  }

  private static JsonNode read(JsonParser p, String path, Map<String, JsonLocation> locations, String source,
      ExceptionFactory errors, int depth) throws IOException {
    JsonLocation here = p.currentTokenLocation();
    locations.put(path, here);
    if (depth > MAX_DEPTH) {
      throw errors.create(source, path, here.getLineNr(), here.getColumnNr(), "nested too deeply", null);
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = f.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonLocation keyAt = p.currentTokenLocation();
          String child = child(path, name);
          if (o.has(name)) {
            throw errors.create(source, child, keyAt.getLineNr(), keyAt.getColumnNr(), "duplicate field", null);
          }
          p.nextToken();
          o.set(name, read(p, child, locations, source, errors, depth + 1));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = f.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(read(p, path + "[" + i + "]", locations, source, errors, depth + 1));
          i++;
        }
        return a;
      }
      case VALUE_STRING -> {
        return f.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> f.numberNode(p.getIntValue());
          case LONG -> f.numberNode(p.getLongValue());
          default -> f.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return f.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return f.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return f.booleanNode(false);
      }
      case VALUE_NULL -> {
        return f.nullNode();
      }
      default -> throw errors.create(source, path, here.getLineNr(), here.getColumnNr(),
          "unsupported value (" + t + ")", null);
    }
  }

  /** The path of field {@code name} inside {@code path}. */
  static String child(String path, String name) {
    String part = PLAIN_NAME.matcher(name).matches() ? name : "[\"" + name.replace("\"", "\\\"") + "\"]";
    if (path.isEmpty() || part.startsWith("[")) {
      return path + part;
    }
    return path + "." + part;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  /** The root as a located node. */
  Located root() {
    return new Located(this, root, "");
  }

  /** An exception at {@code path}, located at the node there or the nearest ancestor that has a location. */
  PersonaFormatException error(String path, String problem) {
    String p = path;
    JsonLocation l = locations.get(p);
    while (l == null && !p.isEmpty()) {
      p = parent(p);
      l = locations.get(p);
    }
    return errors.create(source, path, l == null ? -1 : l.getLineNr(), l == null ? -1 : l.getColumnNr(), problem, null);
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    int cut = Math.max(dot, bracket);
    return cut <= 0 ? "" : path.substring(0, cut);
  }
}
