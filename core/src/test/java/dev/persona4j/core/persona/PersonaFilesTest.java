package dev.persona4j.core.persona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PersonaFilesTest {
  @TempDir Path tmp;

  @Test
  void yamlAndJsonOfTheSamePersonaGiveEqualValues() {
    Persona yaml = PersonaFiles.load(Resources.path("/personas/mara.yaml"));
    Persona json = PersonaFiles.load(Resources.path("/personas/mara.json"));
    assertEquals(yaml, json);

    assertEquals("Captain Mara Vell", yaml.name());
    assertEquals("Mara", yaml.nickname().orElseThrow());
    assertEquals("Mara", yaml.charName());
    assertEquals(3, yaml.traits().size());
    assertEquals(new Trait("blunt", "Says what she thinks without padding.",
        List.of("That plan's got a hole you could sail a frigate through.", "No.")), yaml.traits().get(0));
    assertEquals(List.of(), yaml.traits().get(2).examples());
    assertEquals(List.of("aye", "landlubber", "by the tides"), yaml.voice().vocabulary());
    assertEquals(List.of("honesty over comfort", "her crew comes first"), yaml.values());
    assertEquals("medical dosages", yaml.boundaries().get(0).topic());
    assertEquals(2, yaml.greetings().size());
    assertEquals(2, yaml.exampleDialogues().size());
    Turn answer = yaml.exampleDialogues().get(1).lines().get(1);
    assertEquals(Speaker.CHARACTER, answer.speaker());
    assertTrue(answer.text().startsWith("No. I'm a character") && answer.text().endsWith("mind."), answer.text());
    assertEquals("{{original}} Keep {{char}}'s replies under a hundred words.", yaml.systemPrompt());

    Lorebook book = yaml.lorebook().orElseThrow();
    assertEquals(4, book.scanDepth());
    assertEquals(OptionalInt.of(256), book.tokenBudget());
    assertEquals(5, book.entries().size());
    LoreEntry kraken = book.entries().get(0);
    assertTrue(kraken.selective());
    assertEquals(List.of("ink"), kraken.secondaryKeys());
    assertEquals(20, kraken.priority());
    assertEquals(LorePosition.AFTER_CHAR, book.entries().get(1).position());
    assertTrue(book.entries().get(1).caseSensitive());
    assertTrue(book.entries().get(2).constant());
    assertFalse(book.entries().get(3).enabled());
    assertTrue(book.entries().get(4).useRegex());
    assertEquals(4, book.entries().get(4).extensions().get("depth").intValue());
    assertEquals(LoreEntry.DEFAULT_PRIORITY, book.entries().get(1).priority());

    assertEquals("stormy", yaml.extensions().at("/example_tool/mood").asText());
    assertEquals(2.5, yaml.extensions().at("/example_tool/weights/1").doubleValue());
    assertEquals("https://example.org/mara", yaml.cardFields().at("/data/source/0").asText());
    assertEquals("1.0", yaml.characterVersion());
  }

  @Test
  void extensionsAreReadOnly() {
    Persona p = PersonaFiles.load(Resources.path("/personas/mara.yaml"));
    p.extensions().put("changed", true);
    p.cardFields().removeAll();
    assertFalse(p.extensions().has("changed"));
    assertFalse(p.cardFields().isEmpty());
  }

  @ParameterizedTest
  @CsvSource({"out.yaml", "out.json", "out.yml"})
  void writeThenLoadGivesTheSamePersona(String fileName) throws Exception {
    Persona mara = PersonaFiles.load(Resources.path("/personas/mara.yaml"));
    Path file = tmp.resolve(fileName);
    PersonaFiles.write(mara, file);
    assertEquals(mara, PersonaFiles.load(file));
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @ParameterizedTest
  @CsvSource({"YAML", "JSON"})
  void awkwardStringsSurviveWriting(PersonaFiles.Format format) {
    List<String> awkward = List.of("yes", "no", "true", "null", "1.0", "0x1F", "~", "- dash", "key: value",
        "# not a comment", "  leading spaces", "trailing spaces  ", "line one\nline two\n", "tab\there",
        "quote \" and 'apostrophe'", "émoji 🦑 and 中文", "", "@at", "*star", "&amp", "!bang", "%percent",
        "{braces}", "[brackets]", "multi\n\n  indented\n", "\\backslash", "---", "...");
    Persona p = Persona.builder().name("on").nickname("off").values(awkward).characterVersion("2.10")
        .tags(List.of("1", "true")).build();
    String text = PersonaFiles.toText(p, format);
    assertEquals(p, PersonaFiles.parse(text, format), text);
  }

  @Test
  void aPersonaFileIsNotACardAndViceVersa() {
    PersonaFormatException e = assertThrows(PersonaFormatException.class,
        () -> PersonaFiles.parse("{\"spec\": \"chara_card_v2\", \"data\": {\"name\": \"x\"}}", PersonaFiles.Format.JSON));
    assertTrue(e.getMessage().contains("CharacterCards"), e.getMessage());
    Persona card = PersonaFiles.loadAny(Resources.path("/cards/seraphine-v2.json"));
    assertEquals("Seraphine", card.name());
    assertEquals("Seraphine", PersonaFiles.loadAny(Resources.path("/cards/seraphine-chara.png")).name());
    assertEquals("Captain Mara Vell", PersonaFiles.loadAny(Resources.path("/personas/mara.json")).name());
  }

  /** Each bad file gives a typed error naming the file, the field path, and the line and column. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing-name.yaml        | name                          | 1 | 1  | required field is missing",
      "wrong-type.yaml          | traits[2].examples[0]         | 11| 9  | expected a string, found a number (42)",
      "wrong-type.json          | voice.vocabulary              | 6 | 19 | expected a list, found a string",
      "unknown-placeholder.yaml | greetings[1]                  | 5 | 5  | unknown placeholder {{random:friend,pal}}",
      "lore-without-keys.yaml   | lorebook.entries[1].keys      | 7 | 7  | a lorebook entry needs keys unless it is constant",
      "malformed.yaml           | ''                            | 6 | 1  | malformed YAML: while scanning a quoted scalar (from line 3, column 14): found unexpected end of stream",
      "malformed.json           | ''                            | 4 | 3  | malformed JSON",
      "unknown-field.yaml       | traitz                        | 4 | 3  | unknown field",
      "bad-role.yaml            | example_dialogues[0][1].role  | 5 | 14 | unknown role \"narrator\"",
      "wrong-schema.json        | schema                        | 1 | 12 | unsupported schema",
      "duplicate-field.yaml     | name                          | 3 | 1  | duplicate field",
  })
  void badFilesGiveTypedErrorsWithPathLineAndColumn(String file, String path, int line, int column, String problem) {
    Path p = Resources.path("/personas/bad/" + file);
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(p));
    assertEquals(p.toString(), e.source());
    assertEquals(path, e.fieldPath(), e.getMessage());
    assertEquals(OptionalInt.of(line), e.line(), e.getMessage());
    assertEquals(OptionalInt.of(column), e.column(), e.getMessage());
    assertTrue(e.problem().contains(problem), e.getMessage());
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("line " + line + ", column " + column), e.getMessage());
  }

  @Test
  void missingFileAndUnknownExtensionAreTypedErrors() {
    PersonaFormatException missing = assertThrows(PersonaFormatException.class,
        () -> PersonaFiles.load(tmp.resolve("absent.yaml")));
    assertTrue(missing.getMessage().contains("absent.yaml"), missing.getMessage());
    assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(tmp.resolve("persona.txt")));
    assertThrows(PersonaFormatException.class, () -> PersonaFiles.parse("", PersonaFiles.Format.YAML));
    assertThrows(PersonaFormatException.class, () -> PersonaFiles.parse("[1, 2]", PersonaFiles.Format.JSON));
  }
}
