package dev.persona4j.core.persona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/persona.schema.json and the loader agree: same properties, same verdict on real files. */
class PersonaSchemaTest {
  private static JsonNode schema;
  private static MiniSchemaValidator validator;

  @BeforeAll
  static void loadSchema() throws Exception {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/persona.schema.json"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "docs/persona.schema.json not found above " + System.getProperty("user.dir"));
    schema = Json.mapper().readTree(dir.resolve("docs/persona.schema.json").toFile());
    validator = new MiniSchemaValidator(schema);
  }

  private static Set<String> properties(JsonNode objectSchema) {
    Set<String> out = new HashSet<>();
    Iterator<String> it = objectSchema.get("properties").fieldNames();
    it.forEachRemaining(out::add);
    return out;
  }

  /** The names Jackson binds for a type: what the loader reads. */
  private static Set<String> bound(Class<?> type) {
    Set<String> out = new HashSet<>();
    JavaType t = Json.mapper().constructType(type);
    Json.mapper().getDeserializationConfig().introspect(t).findProperties().forEach(p -> out.add(p.getName()));
    return out;
  }

  @Test
  void theLoaderChecksFilesAgainstThePublishedSchema() throws Exception {
    assertEquals(schema, PersonaSchema.PERSONA_FILE.tree(), "the schema in the jar is docs/persona.schema.json");
  }

  @Test
  void schemaDeclaresExactlyTheFieldsTheLoaderBinds() {
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
    JsonNode defs = schema.get("$defs");
    assertEquals(bound(PersonaFile.class), properties(schema));
    assertEquals(bound(PersonaFile.TraitFile.class), properties(defs.get("trait")));
    assertEquals(bound(PersonaFile.VoiceFile.class), properties(defs.get("voice")));
    assertEquals(bound(PersonaFile.BoundaryFile.class), properties(defs.get("boundary")));
    assertEquals(bound(PersonaFile.Line.class), properties(defs.get("exchange").get("items")));
    assertEquals(bound(PersonaFile.LorebookFile.class), properties(defs.get("lorebook")));
    assertEquals(bound(PersonaFile.EntryFile.class), properties(defs.get("loreEntry")));
    for (String def : List.of("trait", "voice", "boundary", "lorebook", "loreEntry")) {
      assertFalse(defs.get(def).get("additionalProperties").asBoolean(), def + " is closed like the loader");
    }
  }

  @Test
  void theSamplePersonaUsesEveryPropertyAndIsValid() throws Exception {
    JsonNode sample = PersonaDocument.YAML.readTree(Resources.path("/personas/mara.yaml").toFile());
    assertEquals(List.of(), validator.validate(sample));
    assertEquals(List.of(), validator.validate(Json.mapper().readTree(Resources.path("/personas/mara.json").toFile())));
    Set<String> used = new HashSet<>();
    sample.fieldNames().forEachRemaining(used::add);
    assertEquals(properties(schema), used, "mara.yaml exercises every top-level field");
    Set<String> entryFields = new HashSet<>();
    sample.get("lorebook").get("entries").forEach(e -> e.fieldNames().forEachRemaining(entryFields::add));
    entryFields.add("card_fields"); // written by the writer for imported cards; checked below
    assertEquals(properties(schema.get("$defs").get("loreEntry")), entryFields);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/personas/mara.yaml", "/cards/seraphine-st.json", "/cards/orrin-v3.json", "/cards/tobias-v1.json"})
  void whatTheWriterWritesIsValid(String resource) throws Exception {
    Persona p = PersonaFiles.loadAny(Resources.path(resource));
    JsonNode written = PersonaDocument.YAML.readTree(PersonaFiles.toText(p, PersonaFiles.Format.YAML));
    assertEquals(List.of(), validator.validate(written), resource);
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing-name.yaml", "wrong-type.yaml", "wrong-type.json", "unknown-placeholder.yaml",
      "lore-without-keys.yaml", "unknown-field.yaml", "bad-role.yaml", "wrong-schema.json"})
  void filesTheLoaderRejectsTheSchemaRejects(String file) throws Exception {
    Path path = Resources.path("/personas/bad/" + file);
    assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(path));
    JsonNode tree = PersonaDocument.YAML.readTree(path.toFile()); // YAML is a superset of JSON
    assertFalse(validator.validate(tree).isEmpty(), file + " should violate the schema");
  }

  @Test
  void placeholderPatternAgreesWithTheLoader() {
    MiniSchemaValidator text = new MiniSchemaValidator(schema);
    for (String s : List.of("plain", "{{char}} and {{USER}}", "{{ Char }}", "{{random:a,b}}", "{{{char}}",
        "{{a{{char}}", "{{char}}}}", "unclosed {{char", "{{original}}", "{single}", "}} {{")) {
      boolean loaderAccepts = Placeholders.firstUnknown(s, false).isEmpty();
      JsonNode doc = Json.mapper().createObjectNode().put("schema", "persona4j/v1").put("name", "n").put("scenario", s);
      assertEquals(loaderAccepts, text.validate(doc).isEmpty(), s);
    }
  }

  @Test
  void writingAPersonaTheLoaderWouldRejectFails() {
    Persona foreign = CharacterCards.read(Resources.path("/cards/seraphine-v2.json"));
    PersonaFormatException e = assertThrows(PersonaFormatException.class,
        () -> PersonaFiles.toText(foreign, PersonaFiles.Format.YAML));
    assertTrue(e.problem().contains("{{random:cheerful,wistful}}"), e.getMessage());
    assertEquals("personality", e.fieldPath());
  }
}
