package dev.persona4j.core.persona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
    schema = new ObjectMapper().readTree(dir.resolve("docs/persona.schema.json").toFile());
    validator = new MiniSchemaValidator(schema);
  }

  private static Set<String> properties(JsonNode objectSchema) {
    Set<String> out = new HashSet<>();
    Iterator<String> it = objectSchema.get("properties").fieldNames();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void schemaDeclaresExactlyTheFieldsTheLoaderAccepts() {
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
    JsonNode defs = schema.get("$defs");
    assertEquals(PersonaTrees.PERSONA_FIELDS, properties(schema));
    assertEquals(PersonaTrees.TRAIT_FIELDS, properties(defs.get("trait")));
    assertEquals(PersonaTrees.VOICE_FIELDS, properties(defs.get("voice")));
    assertEquals(PersonaTrees.BOUNDARY_FIELDS, properties(defs.get("boundary")));
    assertEquals(PersonaTrees.LINE_FIELDS, properties(defs.get("exchange").get("items")));
    assertEquals(PersonaTrees.LOREBOOK_FIELDS, properties(defs.get("lorebook")));
    assertEquals(PersonaTrees.ENTRY_FIELDS, properties(defs.get("loreEntry")));
    for (String def : List.of("trait", "voice", "boundary", "lorebook", "loreEntry")) {
      assertFalse(defs.get(def).get("additionalProperties").asBoolean(), def + " is closed like the loader");
    }
  }

  @Test
  void theSamplePersonaUsesEveryPropertyAndIsValid() throws Exception {
    JsonNode sample = new YAMLMapper().readTree(Resources.path("/personas/mara.yaml").toFile());
    assertEquals(List.of(), validator.validate(sample));
    assertEquals(List.of(), validator.validate(new ObjectMapper().readTree(Resources.path("/personas/mara.json").toFile())));
    Set<String> used = new HashSet<>();
    sample.fieldNames().forEachRemaining(used::add);
    assertEquals(PersonaTrees.PERSONA_FIELDS, used, "mara.yaml exercises every top-level field");
    Set<String> entryFields = new HashSet<>();
    sample.get("lorebook").get("entries").forEach(e -> e.fieldNames().forEachRemaining(entryFields::add));
    entryFields.add("card_fields"); // written by the writer for imported cards; checked below
    assertEquals(PersonaTrees.ENTRY_FIELDS, entryFields);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/personas/mara.yaml", "/cards/seraphine-st.json", "/cards/orrin-v3.json", "/cards/tobias-v1.json"})
  void whatTheWriterWritesIsValid(String resource) throws Exception {
    Persona p = PersonaFiles.loadAny(Resources.path(resource));
    JsonNode written = new YAMLMapper().readTree(PersonaFiles.toText(p, PersonaFiles.Format.YAML));
    assertEquals(List.of(), validator.validate(written), resource);
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing-name.yaml", "wrong-type.yaml", "wrong-type.json", "unknown-placeholder.yaml",
      "lore-without-keys.yaml", "unknown-field.yaml", "bad-role.yaml", "wrong-schema.json"})
  void filesTheLoaderRejectsTheSchemaRejects(String file) throws Exception {
    Path path = Resources.path("/personas/bad/" + file);
    assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(path));
    JsonNode tree = new YAMLMapper().readTree(path.toFile()); // YAML is a superset of JSON
    assertFalse(validator.validate(tree).isEmpty(), file + " should violate the schema");
  }

  @Test
  void placeholderPatternAgreesWithTheLoader() {
    MiniSchemaValidator text = new MiniSchemaValidator(schema);
    for (String s : List.of("plain", "{{char}} and {{USER}}", "{{ Char }}", "{{random:a,b}}", "{{{char}}",
        "{{a{{char}}", "{{char}}}}", "unclosed {{char", "{{original}}", "{single}", "}} {{")) {
      boolean loaderAccepts = Placeholders.firstUnknown(s, false).isEmpty();
      JsonNode doc = new ObjectMapper().createObjectNode().put("schema", "persona4j/v1").put("name", "n").put("scenario", s);
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
