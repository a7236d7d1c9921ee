package dev.persona4j.core.persona;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import com.networknt.schema.serialization.node.LocationJsonNodeFactoryFactory;
import com.networknt.schema.serialization.node.TokenStreamLocationAware;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A persona, card or conversation document read into a Jackson tree whose nodes remember their line and
 * column, so that schema violations and binding errors found later can name the field path, line and
 * column. Also holds the one YAML mapper of persona files (JSON goes through the shared {@link Json#mapper()}).
 */
record PersonaDocument(String source, JsonNode root) {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  /** The YAML mapper of persona files: reads strictly (duplicate keys rejected) and writes plain, readable YAML. */
  static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .stringQuotingChecker(new TypedScalarQuoting())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /**
   * Quotes every string the YAML reader would otherwise take for another type ({@code 0x1F}, {@code 1:20},
   * {@code yes}...): the reader resolves plain scalars with SnakeYAML's resolver, so ask it.
   */
  private static final class TypedScalarQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;
    private final transient Resolver resolver = new Resolver();

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || !Tag.STR.equals(resolver.resolve(NodeId.scalar, value, true));
    }
  }

  /** Parses one whole document with {@code mapper}; syntax errors become exceptions with line and column. */
  static PersonaDocument parse(String text, ObjectMapper mapper, String source) {
    String format = mapper.getFactory().getFormatName();
    if (mapper.getFactory() instanceof YAMLFactory) {
      checkYamlLines(text, source);
    }
    try (JsonParser p = mapper.createParser(text)) {
      ObjectReader reader = mapper.reader(LocationJsonNodeFactoryFactory.getInstance().getJsonNodeFactory(p));
      JsonNode root = reader.readTree(p);
      if (root == null || root.isMissingNode()) {
        throw new PersonaFormatException(source, "", -1, -1, "the document is empty", null);
      }
      if (p.nextToken() != null) {
        JsonLocation l = p.currentTokenLocation();
        throw new PersonaFormatException(source, "", l.getLineNr(), l.getColumnNr(),
            "unexpected content after the document (only one document is read)", null);
      }
      return new PersonaDocument(source, root);
    } catch (JsonProcessingException e) {
      throw syntaxError(e, format, source);
    } catch (IOException e) {
      throw new PersonaFormatException(source, "", -1, -1, "cannot read: " + e.getMessage(), e);
    }
  }

  /** System property: the longest line a YAML persona may have, in characters (default 65,536). */
  static final String YAML_LINE_LIMIT = "persona4j.limit.yamlLineChars";

  /**
   * SnakeYAML scans a line in time quadratic in its length (a 2 MB one-line scalar took 15 s), so
   * YAML lines are bounded before parsing; JSON has no such cost.
   */
  private static void checkYamlLines(String text, String source) {
    long limit = Json.limit(YAML_LINE_LIMIT, 1 << 16);
    int line = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (i - start > limit) {
          throw new PersonaFormatException(source, "", line, 1, String.format(java.util.Locale.ROOT,
              "a YAML line of %,d characters is longer than the limit of %,d (system property %s); "
                  + "break it up (a block scalar: '|') or use JSON", i - start, limit, YAML_LINE_LIMIT));
        }
        line++;
        start = i + 1;
      }
    }
  }

  private static PersonaFormatException syntaxError(
      JsonProcessingException e, String format, String source) {
    JsonLocation l = e.getLocation();
    int line = l == null ? -1 : l.getLineNr();
    int column = l == null ? -1 : l.getColumnNr();
    String message = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage().lines().findFirst()
        .orElse("syntax error").trim();
    if (message.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
      // Point at the start of the repeated key, not past it.
      JsonLocation key = p.currentTokenLocation();
      return new PersonaFormatException(source, pathOf(p.getParsingContext()), key.getLineNr(), key.getColumnNr(), "duplicate field", e);
    }
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      // SnakeYAML knows both where the construct started and where it went wrong: say both.
      line = m.getProblemMark().getLine() + 1;
      column = m.getProblemMark().getColumn() + 1;
      Mark context = m.getContextMark();
      message = (m.getContext() == null ? "" : m.getContext()
          + (context == null ? "" : " (from line " + (context.getLine() + 1) + ", column " + (context.getColumn() + 1) + ")")
          + ": ") + m.getProblem();
    }
    return new PersonaFormatException(source, "", line, column, "malformed " + format + ": " + message, e);
  }

  /** The field path of a parser's position, e.g. {@code traits[2].name}. */
  private static String pathOf(JsonStreamContext context) {
    Deque<Object> segments = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      segments.addFirst(c.inArray() ? (Object) c.getCurrentIndex() : c.getCurrentName());
    }
    return path(segments);
  }

  /** The path text of {@code segments} (field names and list indices), e.g. {@code lorebook.entries[1].keys}. */
  static String path(Iterable<?> segments) {
    StringBuilder sb = new StringBuilder();
    for (Object s : segments) {
      if (s instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else if (PLAIN_NAME.matcher(s.toString()).matches()) {
        sb.append(sb.length() == 0 ? "" : ".").append(s);
      } else {
        sb.append("[\"").append(s.toString().replace("\"", "\\\"")).append("\"]");
      }
    }
    return sb.toString();
  }

  /** The node at {@code segments}, or the nearest ancestor that exists. */
  JsonNode nodeAt(List<?> segments) {
    JsonNode node = root;
    for (Object s : segments) {
      JsonNode next = s instanceof Integer i ? node.get(i) : node.get(s.toString());
      if (next == null) {
        break;
      }
      node = next;
    }
    return node;
  }

  /** An exception at the field {@code segments}, located at that node (or the nearest ancestor present). */
  PersonaFormatException error(List<?> segments, String problem) {
    return error(path(segments), nodeAt(segments), problem, null);
  }

  /** An exception at the field {@code path}, located where {@code node} starts. */
  PersonaFormatException error(String path, JsonNode node, String problem, Throwable cause) {
    JsonLocation l = node instanceof TokenStreamLocationAware a ? a.tokenStreamLocation() : null;
    return new PersonaFormatException(source, path, l == null ? -1 : l.getLineNr(), l == null ? -1 : l.getColumnNr(), problem, cause);
  }

  /** Binds the (validated) node at {@code at} to the reader's type; a value that does not fit is an error at its field. */
  <T> T bind(List<?> at, ObjectReader reader) {
    return bind(at, nodeAt(at), reader);
  }

  /** Binds {@code node}, a view of the node at {@code at} (e.g. its known fields); errors are located in this document. */
  <T> T bind(List<?> at, JsonNode node, ObjectReader reader) {
    try {
      return reader.readValue(node);
    } catch (JsonMappingException e) {
      List<Object> segments = new ArrayList<>(at);
      for (JsonMappingException.Reference r : e.getPath()) {
        segments.add(r.getFieldName() != null ? r.getFieldName() : (Object) r.getIndex());
      }
      throw error(path(segments), nodeAt(segments), e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw error(path(at), nodeAt(at), "cannot read: " + e.getMessage(), e);
    }
  }

  /** A short description of a node's kind for messages, e.g. {@code a number (42)}. */
  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber() || n.isBoolean()) {
      return (n.isNumber() ? "a number (" : "a boolean (") + n.asText() + ")";
    }
    return n.isArray() ? "a list" : "an object (mapping)";
  }
}
