package dev.persona4j.core.persona;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Objects;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads and writes persona files (schema {@code persona4j/v1}) in YAML or JSON; the JSON Schema is
 * published at {@code docs/persona.schema.json}.
 *
 * <p>Loading is strict: an unknown field, a value of the wrong type, a missing name, a lorebook entry
 * without keys or an unknown placeholder is a {@link PersonaFormatException} naming the file, the field
 * path and the line and column.
 */
public final class PersonaFiles {
  /** The two syntaxes of a persona file. */
  public enum Format {
    YAML,
    JSON;

    /** The format a file name implies: {@code .yaml}/{@code .yml} or {@code .json}. */
    public static Format of(Path file) {
      String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        return YAML;
      }
      if (name.endsWith(".json")) {
        return JSON;
      }
      throw new PersonaFormatException(file.toString(), "", -1, -1,
          "cannot tell the format from the file name (expected .yaml, .yml or .json)");
    }
  }

  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final YAMLFactory YAML_FACTORY = new YAMLFactory();
  private static final ObjectMapper JSON_WRITER = new ObjectMapper();
  private static final YAMLMapper YAML_WRITER = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .stringQuotingChecker(new TypedScalarQuoting())
      .build());

  private PersonaFiles() {}

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

  /**
   * Loads a persona file, YAML or JSON by its extension.
   *
   * @throws PersonaFormatException when the file cannot be read or is not a valid persona
   */
  public static Persona load(Path file) {
    Objects.requireNonNull(file, "file");
    Format format = Format.of(file);
    return parse(readText(file), format, file.toString());
  }

  /** Parses persona text; errors name the source {@code <string>}. */
  public static Persona parse(String text, Format format) {
    return parse(text, format, "<string>");
  }

  /** Parses persona text; errors name {@code source}. */
  public static Persona parse(String text, Format format, String source) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(format, "format");
    LocatedTree tree = LocatedTree.parse(text, factory(format), source, LocatedTree.PERSONA_ERRORS);
    if (tree.root.isObject() && !tree.root.has("schema") && tree.root.path("spec").asText("").startsWith("chara_card")) {
      throw new PersonaFormatException(source, "spec", -1, -1,
          "this is a Character Card, not a persona file: read it with CharacterCards.read");
    }
    return PersonaTrees.readPersonaFile(tree);
  }

  /**
   * Loads a persona file ({@code .yaml}, {@code .yml}, or {@code .json} with {@code schema}) or a
   * Character Card ({@code .png}, or {@code .json} with {@code spec}).
   */
  public static Persona loadAny(Path file) {
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      return CharacterCards.read(file);
    }
    if (name.endsWith(".json")) {
      String text = readText(file);
      LocatedTree tree = LocatedTree.parse(text, JSON_FACTORY, file.toString(), LocatedTree.PERSONA_ERRORS);
      if (tree.root.isObject() && !tree.root.has("schema")) {
        return CharacterCards.parseJson(text, file.toString());
      }
      return PersonaTrees.readPersonaFile(tree);
    }
    return load(file);
  }

  /** Writes a persona file, YAML or JSON by the target's extension; the file is replaced atomically. */
  public static void write(Persona persona, Path file) {
    Objects.requireNonNull(persona, "persona");
    String text = toText(persona, Format.of(file));
    writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The persona as persona-file text.
   *
   * @throws PersonaFormatException when the persona could not be loaded back from it: persona files are
   *     strict, so text imported from a card with other macros (e.g. {@code {{random:...}}}) or lorebook
   *     entries without keys cannot be saved as a persona file (keep such a persona as a card)
   */
  public static String toText(Persona persona, Format format) {
    ObjectNode tree = toTree(persona);
    String text;
    try {
      if (format == Format.JSON) {
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        text = JSON_WRITER.writer(pp).writeValueAsString(tree) + "\n";
      } else {
        text = YAML_WRITER.writeValueAsString(tree);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Never write a file that would not load.
    parse(text, format, "persona " + persona.name() + " as " + format);
    return text;
  }

  /** The persona as a persona-file tree (fields in schema order; empty fields left out). */
  public static ObjectNode toTree(Persona persona) {
    return PersonaTrees.writePersonaFile(persona);
  }

  /** Reads a persona from a persona-file tree. */
  public static Persona fromTree(JsonNode tree, String source) {
    String text;
    try {
      text = JSON_WRITER.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(text, Format.JSON, source);
  }

  /**
   * Loads a conversation file, YAML or JSON by extension: a list of messages, or an object whose
   * {@code messages} field is that list; each message is {@code {role: user|character, content: ...}}
   * ({@code assistant} is read as character).
   *
   * @throws PersonaFormatException naming the file, the field path (e.g. {@code messages[3].role}), line and
   *     column for a malformed file, an unknown role or a missing or non-string content
   */
  public static List<DialogueLine> loadConversation(Path file) {
    Objects.requireNonNull(file, "file");
    return parseConversation(readText(file), Format.of(file), file.toString());
  }

  /** Parses conversation text (see {@link #loadConversation}); errors name {@code source}. */
  public static List<DialogueLine> parseConversation(String text, Format format, String source) {
    LocatedTree tree = LocatedTree.parse(text, factory(format), source, LocatedTree.PERSONA_ERRORS);
    Located root = tree.root();
    Located messages = root;
    if (root.node.isObject()) {
      root.allowOnly(Set.of("messages"));
      messages = root.require("messages");
    }
    if (!messages.node.isArray()) {
      throw messages.error("expected a list of messages, found " + Located.describe(messages.node));
    }
    List<DialogueLine> out = new ArrayList<>();
    for (Located m : messages.elements()) {
      m.requireObject();
      m.allowOnly(PersonaTrees.LINE_FIELDS);
      out.add(new DialogueLine(PersonaTrees.speaker(m.require("role")), m.require("content").string()));
    }
    return out;
  }

  static JsonFactory factory(Format format) {
    return format == Format.YAML ? YAML_FACTORY : JSON_FACTORY;
  }

  /** Reads a whole file as strict UTF-8 (a BOM is skipped). */
  static String readText(Path file) {
    byte[] bytes = readBytes(file, LocatedTree.PERSONA_ERRORS);
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (CharacterCodingException e) {
      throw new PersonaFormatException(file.toString(), "", -1, -1, "not valid UTF-8 text", e);
    }
  }

  static byte[] readBytes(Path file, LocatedTree.ExceptionFactory errors) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw errors.create(file.toString(), "", -1, -1, "cannot read the file: " + e, e);
    }
  }

  static void writeAtomically(Path file, byte[] bytes) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try {
        Files.write(tmp, bytes);
        try {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
