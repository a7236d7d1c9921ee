package dev.persona4j.core.persona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CharacterCardsTest {
  private static final ObjectMapper MAPPER = Json.mapper();
  @TempDir Path tmp;

  private static JsonNode tree(String resource) throws Exception {
    return MAPPER.readTree(Files.readString(Resources.path(resource)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/cards/seraphine-v2.json", "/cards/seraphine-st.json"})
  void v2CardReadAndWrittenAgainIsTheSameJsonTree(String resource) throws Exception {
    Persona p = CharacterCards.read(Resources.path(resource));
    assertEquals(tree(resource), CharacterCards.toTree(p, CharacterCards.Spec.V2));
  }

  @Test
  void v3CardReadAndWrittenAgainIsTheSameJsonTree() throws Exception {
    Persona p = CharacterCards.read(Resources.path("/cards/orrin-v3.json"));
    assertEquals(tree("/cards/orrin-v3.json"), CharacterCards.toTree(p, CharacterCards.Spec.V3));
    assertEquals("Orrin", p.nickname().orElseThrow());
    assertEquals("Orrin", p.charName());
    assertTrue(p.lorebook().orElseThrow().entries().get(0).useRegex());
    assertEquals("Notes en français.", p.cardFields().at("/data/creator_notes_multilingual/fr").asText());
    assertEquals(1714560000, p.cardFields().at("/data/creation_date").intValue());
  }

  @Test
  void v2CardFieldsMapToThePersona() {
    Persona p = CharacterCards.read(Resources.path("/cards/seraphine-v2.json"));
    assertEquals("Seraphine", p.name());
    assertTrue(p.nickname().isEmpty());
    // Foreign text is taken as it is, macros included.
    assertEquals("curious, absent-minded, warm, {{random:cheerful,wistful}}", p.personality());
    assertTrue(p.description().startsWith("{{char}} is an elven alchemist"));
    assertEquals(3, p.greetings().size());
    assertEquals("*Seraphine is asleep on the counter.*", p.greetings().get(1));
    assertEquals(List.of("fantasy", "alchemist", "female"), p.tags());
    assertEquals("1.2", p.characterVersion());
    assertEquals("[Remember: {{char}} never sells love potions.]", p.postHistoryInstructions());

    List<ExampleDialogue> examples = p.exampleDialogues();
    assertEquals(3, examples.size());
    assertEquals(new Turn(Speaker.CHARACTER,
        "*She squints at it.* Either a sleeping draught or paint thinner.\nI'd not drink it."),
        examples.get(0).lines().get(1));
    assertEquals(List.of(new Turn(Speaker.CHARACTER, "*humming* Where did I put the mandrake...")),
        examples.get(2).lines());

    Lorebook book = p.lorebook().orElseThrow();
    assertEquals("Vael", book.name());
    assertEquals(3, book.scanDepth());
    assertEquals(OptionalInt.of(500), book.tokenBudget());
    assertTrue(book.recursiveScanning());
    LoreEntry mandrake = book.entries().get(0);
    assertEquals(List.of("mandrake", "Mandragora"), mandrake.keys());
    assertEquals(List.of("root"), mandrake.secondaryKeys());
    assertTrue(mandrake.selective());
    assertEquals(5, mandrake.priority());
    assertEquals(4, mandrake.extensions().get("depth").intValue());
    assertEquals(LorePosition.AFTER_CHAR, book.entries().get(1).position());
    assertTrue(book.entries().get(1).cardFields().has("tool_entry_field"));
    assertTrue(book.entries().get(2).constant());
    assertTrue(book.cardFields().has("tool_book_field"));

    assertEquals("Vael", p.extensions().get("world").asText());
    assertEquals(42, p.cardFields().at("/data/tool_data_field").intValue());
    assertEquals(3, p.cardFields().at("/tool_top_field/version").intValue());
  }

  @Test
  void structuredPersonaSurvivesCardRoundTripsAndIsRenderedForOtherTools() throws Exception {
    Persona mara = PersonaFiles.load(Resources.path("/personas/mara.yaml"));
    for (CharacterCards.Spec spec : List.of(CharacterCards.Spec.V2, CharacterCards.Spec.V3)) {
      ObjectNode card = CharacterCards.toTree(mara, spec);
      JsonNode data = card.get("data");
      // Tools that only read cards still see the structure as text...
      assertTrue(data.get("description").asText().contains("Captain of the salvage schooner"));
      assertTrue(data.get("description").asText().contains("voiced by a language model"));
      assertTrue(data.get("personality").asText().contains("- blunt: Says what she thinks without padding."));
      assertTrue(data.get("personality").asText().contains("Never says: \"As an AI language model\""));
      assertTrue(data.get("personality").asText().contains("- medical dosages: I'm a sailor"));
      // ...and persona4j reads the structure back without loss.
      assertEquals("persona4j/v1", data.at("/extensions/persona4j/schema").asText());
      Persona back = CharacterCards.parseJson(MAPPER.writeValueAsString(card), "card");
      assertEquals(mara, back, spec.toString());
      assertEquals(card, CharacterCards.toTree(back, spec));
    }
    assertEquals("Mara", CharacterCards.toTree(mara, CharacterCards.Spec.V3).at("/data/nickname").asText());
    assertEquals("Mara", CharacterCards.toTree(mara, CharacterCards.Spec.V2).at("/data/extensions/persona4j/nickname").asText());
    assertFalse(CharacterCards.toTree(mara, CharacterCards.Spec.V2).get("data").has("nickname"));
  }

  @Test
  void aCardEditedElsewhereKeepsItsOwnText() throws Exception {
    Persona mara = PersonaFiles.load(Resources.path("/personas/mara.yaml"));
    ObjectNode card = CharacterCards.toTree(mara, CharacterCards.Spec.V2);
    ((ObjectNode) card.get("data")).put("description", "Edited in another tool.");
    Persona p = CharacterCards.parseJson(MAPPER.writeValueAsString(card), "edited");
    assertEquals("Edited in another tool.", p.description());
    assertTrue(p.traits().isEmpty());
    assertTrue(p.extensions().has("persona4j"));
    assertEquals(card, CharacterCards.toTree(p, CharacterCards.Spec.V2));
  }

  @Test
  void changedExampleDialoguesAreWrittenFreshNotFromTheCardsOldText() {
    Persona p = CharacterCards.read(Resources.path("/cards/seraphine-v2.json"));
    Persona changed = p.toBuilder().exampleDialogues(List.of(ExampleDialogue.of(
        Turn.user("Hello?"), Turn.character("*waves a ladle*")))).build();
    assertEquals("<START>\n{{user}}: Hello?\n{{char}}: *waves a ladle*",
        CharacterCards.toTree(changed, CharacterCards.Spec.V2).at("/data/mes_example").asText());
  }

  @Test
  void v1CardsAreImported() {
    Persona p = CharacterCards.read(Resources.path("/cards/tobias-v1.json"));
    assertEquals("Tobias", p.name());
    assertEquals(List.of(ExampleDialogue.of(Turn.user("What are you reading?"),
        Turn.character("N-nothing!"))), p.exampleDialogues());
    assertEquals("a V1 card", p.cardFields().get("creatorcomment").asText());
    assertEquals(p, CharacterCards.read(Resources.path("/cards/tobias-v1.png")));
  }

  @Test
  void pngWriteThenReadGivesTheSamePersonaAndReplacesOldCardChunks() throws Exception {
    Persona mara = PersonaFiles.load(Resources.path("/personas/mara.yaml"));
    Path out = tmp.resolve("mara.png");
    // Start from an image that already carries a card: its chunk must be replaced, not duplicated.
    CharacterCards.writePng(mara, Resources.path("/cards/seraphine-chara.png"), out);
    assertEquals(mara, CharacterCards.read(out));

    byte[] bytes = Files.readAllBytes(out);
    List<PngCards.Chunk> chunks = PngCards.chunks(bytes, "out"); // checks every CRC
    assertEquals("IHDR", chunks.get(0).type());
    assertEquals("IEND", chunks.get(chunks.size() - 1).type());
    Map<String, String> texts = PngCards.cardTexts(chunks, "out");
    assertEquals(2, chunks.stream().filter(c -> c.type().equals("tEXt") && new String(c.data(), StandardCharsets.ISO_8859_1)
        .startsWith("chara\0") || new String(c.data(), StandardCharsets.ISO_8859_1).startsWith("ccv3\0")).count());
    JsonNode v2 = MAPPER.readTree(Base64.getDecoder().decode(texts.get("chara")));
    JsonNode v3 = MAPPER.readTree(Base64.getDecoder().decode(texts.get("ccv3")));
    assertEquals("chara_card_v2", v2.get("spec").asText());
    assertEquals("chara_card_v3", v3.get("spec").asText());
    // The image itself is untouched: the same IDAT as the source.
    List<PngCards.Chunk> source = PngCards.chunks(Files.readAllBytes(Resources.path("/cards/seraphine-chara.png")), "src");
    assertTrue(java.util.Arrays.equals(idat(source), idat(chunks)));
  }

  private static byte[] idat(List<PngCards.Chunk> chunks) {
    return chunks.stream().filter(c -> c.type().equals("IDAT")).findFirst().orElseThrow().data();
  }

  @Test
  void ccv3IsPreferredOverChara() {
    Persona p = CharacterCards.read(Resources.path("/cards/both-chunks.png"));
    assertEquals("Orrin Blackwood", p.name());
    assertNotEquals("Seraphine", p.name());
    assertEquals("Seraphine", CharacterCards.read(Resources.path("/cards/seraphine-chara.png")).name());
  }

  @Test
  void pngWithoutACardChunk() {
    Path png = Resources.path("/cards/plain.png");
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> CharacterCards.read(png));
    assertEquals(png.toString(), e.source());
    assertTrue(e.problem().contains("no character card"), e.getMessage());
  }

  @Test
  void invalidBase64InTheChunk() {
    Path png = Resources.path("/cards/bad-base64.png");
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> CharacterCards.read(png));
    assertEquals("tEXt[chara]", e.fieldPath());
    assertTrue(e.getMessage().startsWith(png.toString()), e.getMessage());
    assertTrue(e.problem().contains("invalid base64"), e.getMessage());
  }

  @Test
  void invalidJsonInTheChunkNamesLineAndColumnOfTheDecodedJson() {
    Path png = Resources.path("/cards/bad-json.png");
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> CharacterCards.read(png));
    assertTrue(e.source().startsWith(png.toString()) && e.source().contains("tEXt[chara]"), e.getMessage());
    assertEquals(OptionalInt.of(2), e.line());
    assertEquals(OptionalInt.of(23), e.column());
    assertTrue(e.problem().startsWith("malformed JSON"), e.getMessage());
  }

  @Test
  void truncatedOrCorruptPngIsATypedError() throws Exception {
    byte[] good = Files.readAllBytes(Resources.path("/cards/seraphine-chara.png"));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 20);
    assertThrows(PersonaFormatException.class, () -> CharacterCards.fromPng(truncated, "truncated.png"));
    byte[] corrupt = good.clone();
    corrupt[40] ^= 0x55;
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> CharacterCards.fromPng(corrupt, "corrupt.png"));
    assertTrue(e.problem().contains("CRC"), e.getMessage());
    assertThrows(PersonaFormatException.class,
        () -> CharacterCards.toPng(PersonaFiles.load(Resources.path("/personas/mara.yaml")), new byte[] {1, 2, 3}, "x.png"));
  }

  @Test
  void wrongCardFieldsAreTypedErrorsWithPath() {
    PersonaFormatException tags = assertThrows(PersonaFormatException.class, () -> CharacterCards.parseJson(
        "{\"spec\": \"chara_card_v2\", \"spec_version\": \"2.0\",\n \"data\": {\"name\": \"X\",\n  \"tags\": \"one, two\"}}", "tags.json"));
    assertEquals("data.tags", tags.fieldPath());
    assertEquals(OptionalInt.of(3), tags.line());
    assertEquals(OptionalInt.of(11), tags.column());
    PersonaFormatException name = assertThrows(PersonaFormatException.class,
        () -> CharacterCards.parseJson("{\"spec\": \"chara_card_v2\", \"data\": {\"description\": \"x\"}}", "noname.json"));
    assertEquals("data.name", name.fieldPath());
    PersonaFormatException spec = assertThrows(PersonaFormatException.class,
        () -> CharacterCards.parseJson("{\"spec\": \"chara_card_v9\", \"data\": {}}", "spec.json"));
    assertEquals("spec", spec.fieldPath());
    PersonaFormatException entry = assertThrows(PersonaFormatException.class, () -> CharacterCards.parseJson(
        "{\"spec\": \"chara_card_v2\", \"data\": {\"name\": \"X\", \"character_book\": {\"entries\": "
            + "[{\"keys\": [\"a\"], \"content\": \"c\", \"enabled\": \"yes\"}]}}}", "entry.json"));
    assertEquals("data.character_book.entries[0].enabled", entry.fieldPath());
  }
}
