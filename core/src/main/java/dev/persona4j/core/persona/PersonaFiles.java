package dev.persona4j.core.persona;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

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

  private static final ObjectReader PERSONA_READER = Json.mapper().readerFor(PersonaFile.class);
  private static final ObjectReader LINES_READER = Json.mapper().readerFor(new TypeReference<List<PersonaFile.Line>>() {});
  private static final ObjectWriter JSON_WRITER =
      Json.mapper().writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private PersonaFiles() {}

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
    checkTextSize(source, text.length());
    return read(PersonaDocument.parse(text, mapper(format), source));
  }

  /** Checks a persona-file document against the schema, then binds it. */
  private static Persona read(PersonaDocument doc) {
    JsonNode root = doc.root();
    if (root.isObject() && !root.has("schema") && root.path("spec").asText("").startsWith("chara_card")) {
      throw doc.error(List.of("spec"), "this is a Character Card, not a persona file: read it with CharacterCards.read");
    }
    dropNulls(root);
    PersonaSchema.PERSONA_FILE.check(doc);
    PersonaFile file = doc.bind(List.of(), PERSONA_READER);
    if (file.lorebook() != null) {
      checkRegexKeys(doc, file.lorebook().entries(), List.of("lorebook"));
    }
    return file.toPersona();
  }

  /** A null field counts as absent (the schema's types do not allow null); extensions are left as they are. */
  private static void dropNulls(JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (f.getValue().isNull()) {
          fields.remove();
        } else if (!f.getKey().equals("extensions") && !f.getKey().equals("card_fields")) {
          dropNulls(f.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(PersonaFiles::dropNulls);
    }
  }

  /** Keys of {@code use_regex} entries must compile: the one check a schema cannot make. */
  static void checkRegexKeys(PersonaDocument doc, List<PersonaFile.EntryFile> bookEntries, List<String> book) {
    List<PersonaFile.EntryFile> entries = PersonaFile.orEmpty(bookEntries); // a lorebook may have no entries
    for (int i = 0; i < entries.size(); i++) {
      PersonaFile.EntryFile e = entries.get(i);
      if (!Boolean.TRUE.equals(e.useRegex())) {
        continue;
      }
      for (String field : List.of("keys", "secondary_keys")) {
        List<String> keys = PersonaFile.orEmpty(field.equals("keys") ? e.keys() : e.secondaryKeys());
        for (int k = 0; k < keys.size(); k++) {
          try {
            LoreMatcher.compileKey(keys.get(k), false);
          } catch (IllegalArgumentException ex) {
            List<Object> path = new ArrayList<>(book);
            path.addAll(List.of("entries", i, field, k));
            throw doc.error(path, "invalid or unsupported regular expression: " + ex.getMessage());
          }
        }
      }
    }
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
      PersonaDocument doc = PersonaDocument.parse(readText(file), Json.mapper(), file.toString());
      return doc.root().isObject() && !doc.root().has("schema") ? CharacterCards.fromDocument(doc) : read(doc);
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
    String text;
    try {
      text = format == Format.JSON ? JSON_WRITER.writeValueAsString(toTree(persona)) + "\n"
          : PersonaDocument.YAML.writeValueAsString(toTree(persona));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Never write a file that would not load.
    parse(text, format, "persona " + persona.name() + " as " + format);
    return text;
  }

  /** The persona as a persona-file tree (fields in schema order; empty fields left out). */
  public static ObjectNode toTree(Persona persona) {
    return Json.mapper().valueToTree(PersonaFile.of(Objects.requireNonNull(persona, "persona")));
  }

  /** Reads a persona from a persona-file tree. */
  public static Persona fromTree(JsonNode tree, String source) {
    try {
      return parse(Json.mapper().writeValueAsString(tree), Format.JSON, source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads a conversation file, YAML or JSON by extension: a list of messages, or an object whose
   * {@code messages} field is that list; each message is {@code {role: user|character, content: ...}}
   * ({@code assistant} is read as character).
   *
   * @throws PersonaFormatException naming the file, the field path (e.g. {@code messages[3].role}), line and
   *     column for a malformed file, an unknown role or a missing or non-string content
   */
  public static List<Turn> loadConversation(Path file) {
    Objects.requireNonNull(file, "file");
    return parseConversation(readText(file), Format.of(file), file.toString());
  }

  /** Parses conversation text (see {@link #loadConversation}); errors name {@code source}. */
  public static List<Turn> parseConversation(String text, Format format, String source) {
    PersonaDocument doc = PersonaDocument.parse(text, mapper(format), source);
    PersonaSchema.CONVERSATION.check(doc);
    List<PersonaFile.Line> lines = doc.bind(doc.root().isObject() ? List.of("messages") : List.of(), LINES_READER);
    return lines.stream().map(PersonaFile.Line::toTurn).toList();
  }

  /** The mapper of a format: the persona YAML mapper, or the shared JSON mapper. */
  static ObjectMapper mapper(Format format) {
    return format == Format.YAML ? PersonaDocument.YAML : Json.mapper();
  }

  /** Reads a whole file as strict UTF-8 (a BOM is skipped). */
  static String readText(Path file) {
    byte[] bytes = readBytes(file);
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

  /** System property: the largest persona file or card JSON read, in bytes (default 2 MiB). */
  static final String PERSONA_LIMIT = "persona4j.limit.personaBytes";
  static final long PERSONA_LIMIT_DEFAULT = 2L << 20;
  /** System property: the largest PNG card read, in bytes (default 32 MiB). */
  static final String CARD_IMAGE_LIMIT = "persona4j.limit.cardImageBytes";
  static final long CARD_IMAGE_LIMIT_DEFAULT = 32L << 20;

  static byte[] readBytes(Path file) {
    return readBytes(file, PERSONA_LIMIT, PERSONA_LIMIT_DEFAULT);
  }

  /** A regular file of at most the limit the property sets, checked before anything is parsed. */
  static byte[] readBytes(Path file, String limitProperty, long defaultLimit) {
    return Json.readInput(file, limitProperty, defaultLimit,
        (problem, cause) -> new PersonaFormatException(file.toString(), "", -1, -1, problem, cause));
  }

  /** Persona text (a card's decoded JSON, say) of at most the persona limit. */
  static void checkTextSize(String source, int bytes) {
    long limit = Json.limit(PERSONA_LIMIT, PERSONA_LIMIT_DEFAULT);
    if (bytes > limit) {
      throw new PersonaFormatException(source, "", -1, -1, Json.tooLarge(bytes, limit, PERSONA_LIMIT));
    }
  }

  static void writeAtomically(Path file, byte[] bytes) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
      // A plain new file (0666 less the umask), not createTempFile's owner-only 0600: it becomes the result.
      Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
      try {
        Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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
