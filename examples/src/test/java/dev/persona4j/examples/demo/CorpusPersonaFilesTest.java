package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The four example persona files (and the generated definitions) against schema persona4j/v1 and
 * against the phrase banks and detector the demo model is trained and judged with.
 */
class CorpusPersonaFilesTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]*)}}");
  private final DriftDetector detector = DriftDetector.standard();

  @Test
  void theFourExamplePersonasExistWithLowercaseIds() {
    assertEquals(Set.copyOf(Voices.IDS), CorpusFixture.examplePersonaTexts().keySet());
  }

  @Test
  void examplePersonasHaveEveryRequiredField() throws Exception {
    for (Map.Entry<String, String> e : CorpusFixture.examplePersonaTexts().entrySet()) {
      JsonNode p = CorpusFixture.parseYaml(e.getValue());
      checkSchema(e.getKey(), p, 3, 2);
    }
  }

  @Test
  void generatedDefinitionsHaveEveryRequiredField() throws Exception {
    for (PersonaProfile profile : CorpusFixture.defaultCorpus().personas()) {
      if (profile.generated()) {
        JsonNode p = CorpusFixture.parseYaml(profile.generatedDefinition().orElseThrow());
        checkSchema(profile.id(), p, 2, 2);
        assertEquals(profile.name(), p.get("name").asText());
        assertEquals(profile.nickname(), p.get("nickname").asText());
        assertTrue(p.get("identity").asText().contains(profile.place()), profile.id());
        assertTrue(p.get("identity").asText().contains(profile.companion()), profile.id());
        assertEquals("1.0", p.get("character_version").textValue(), profile.id());
      }
    }
  }

  @Test
  void examplePersonasAgreeWithTheirPhraseBanks() throws Exception {
    Voices voices = Voices.standard();
    for (String id : Voices.IDS) {
      JsonNode p = CorpusFixture.parseYaml(CorpusFixture.examplePersonaTexts().get(id));
      Map<String, String> facts = voices.voice(id).exampleFacts();
      assertEquals(facts.get("name"), p.get("name").asText(), id);
      assertEquals(facts.get("nickname"), p.get("nickname").asText(), id);
      String all = CorpusFixture.examplePersonaTexts().get(id);
      String place = facts.get("place").replaceFirst("^the ", "");
      assertTrue(all.contains(place), id + " never mentions " + place);
      assertTrue(all.contains(facts.get("companion")), id + " never mentions its companion");
      // The quirk the corpus gives the persona is described in the file.
      String quirkWords = Map.of("humming", "hums while she thinks", "cold tea", "go cold",
          "naming things", "gives a name to everything", "clocks", "repairs old clocks")
          .get(facts.get("quirk"));
      assertTrue(all.contains(quirkWords), id + " does not describe its quirk "
          + voices.quirk(facts.get("quirk")).description());
      // Every catchphrase is a closer the corpus actually uses.
      List<String> closers = voices.voice(id).bank().lines("closer");
      for (JsonNode c : p.get("voice").get("catchphrases")) {
        assertTrue(closers.stream().anyMatch(line -> line.contains(c.asText().replace("!", ""))),
            id + " catchphrase not in the closers: " + c.asText());
      }
    }
  }

  @Test
  void examplePersonasSpeakInTheirOwnVoiceByTheDetector() throws Exception {
    for (String id : Voices.IDS) {
      JsonNode p = CorpusFixture.parseYaml(CorpusFixture.examplePersonaTexts().get(id));
      List<String> lines = new ArrayList<>();
      p.get("greetings").forEach(g -> lines.add(g.asText()));
      p.get("voice").get("catchphrases").forEach(c -> lines.add(c.asText()));
      p.get("boundaries").forEach(b -> lines.add(b.get("response").asText()));
      p.get("traits").forEach(t -> t.get("examples").forEach(x -> lines.add(x.asText())));
      for (JsonNode dialogue : p.get("example_dialogues")) {
        for (JsonNode message : dialogue) {
          if (message.get("role").asText().equals("character")) {
            String content = message.get("content").asText();
            lines.add(content);
            assertTrue(detector.markers(id).stream().anyMatch(mk -> containsPhrase(content, mk)),
                id + " dialogue line lacks its voice: " + content);
          }
        }
      }
      for (String line : lines) {
        DriftVerdict v = detector.judge(id, line);
        assertTrue(v.isInCharacter(), id + ": '" + line + "' judged " + v);
      }
      // The greetings open in the persona's voice.
      for (JsonNode g : p.get("greetings")) {
        assertTrue(detector.markers(id).stream().anyMatch(m -> containsPhrase(g.asText(), m)),
            id + " greeting without a voice marker: " + g.asText());
      }
    }
  }

  @Test
  void avoidedPhrasesNeverOccurInThePersonasInCharacterReplies() throws Exception {
    Corpus corpus = CorpusFixture.defaultCorpus();
    for (String id : Voices.IDS) {
      JsonNode p = CorpusFixture.parseYaml(CorpusFixture.examplePersonaTexts().get(id));
      for (JsonNode avoid : p.get("voice").get("avoid")) {
        for (CorpusExample e : corpus.examples()) {
          if (e.persona().equals(id) && e.label().isInCharacter()) {
            assertFalse(containsPhrase(e.reply(), avoid.asText()),
                id + " says avoided '" + avoid.asText() + "': " + e.reply());
          }
        }
      }
    }
  }

  private static boolean containsPhrase(String text, String phrase) {
    List<String> words = DriftDetector.words(text);
    return DriftDetector.firstMatch(words, List.of(DriftDetector.words(phrase))) != null;
  }

  /** Checks schema persona4j/v1's fields; the counts are minimums for dialogues and lore. */
  private static void checkSchema(String id, JsonNode p, int minDialogues, int minLore) {
    assertEquals("persona4j/v1", text(id, p, "schema"));
    for (String field : List.of("name", "identity", "self_knowledge", "description",
        "personality", "scenario")) {
      assertFalse(text(id, p, field).isBlank(), id + "." + field);
    }
    String self = p.get("self_knowledge").asText().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    assertTrue(self.contains("character") && self.contains("written by people")
        && self.contains("language model"), id + ".self_knowledge is not honest: " + self);

    JsonNode traits = p.get("traits");
    assertTrue(traits.isArray() && traits.size() >= 3 && traits.size() <= 5,
        id + ".traits count " + traits.size());
    for (JsonNode t : traits) {
      assertFalse(t.path("name").asText().isBlank(), id + ".traits[].name");
      assertFalse(t.path("definition").asText().isBlank(), id + ".traits[].definition");
      assertTrue(t.path("examples").isArray() && t.path("examples").size() >= 1,
          id + ".traits[].examples");
    }
    JsonNode voice = p.get("voice");
    assertFalse(voice.path("style").asText().isBlank(), id + ".voice.style");
    for (String list : List.of("vocabulary", "catchphrases", "avoid")) {
      assertTrue(voice.path(list).isArray() && voice.path(list).size() >= 1, id + ".voice." + list);
    }
    assertTrue(p.get("values").isArray() && p.get("values").size() >= 2, id + ".values");
    assertTrue(p.get("boundaries").size() >= 2, id + ".boundaries");
    for (JsonNode b : p.get("boundaries")) {
      assertFalse(b.path("topic").asText().isBlank(), id + ".boundaries[].topic");
      assertFalse(b.path("response").asText().isBlank(), id + ".boundaries[].response");
    }
    assertTrue(p.get("greetings").isArray() && p.get("greetings").size() >= 2, id + ".greetings");
    JsonNode dialogues = p.get("example_dialogues");
    assertTrue(dialogues.size() >= minDialogues && dialogues.size() <= 3,
        id + ".example_dialogues count " + dialogues.size());
    for (JsonNode exchange : dialogues) {
      assertTrue(exchange.isArray() && exchange.size() >= 2, id + ".example_dialogues[]");
      for (JsonNode m : exchange) {
        assertTrue(Set.of("user", "character").contains(m.path("role").asText()),
            id + ".example_dialogues role " + m.path("role"));
        assertFalse(m.path("content").asText().isBlank(), id + ".example_dialogues content");
      }
    }
    JsonNode entries = p.path("lorebook").path("entries");
    assertTrue(entries.size() >= minLore && entries.size() <= 4, id + ".lorebook.entries");
    for (JsonNode entry : entries) {
      assertTrue(entry.path("keys").isArray() && entry.path("keys").size() >= 1,
          id + ".lorebook.entries[].keys");
      assertFalse(entry.path("content").asText().isBlank(), id + ".lorebook.entries[].content");
    }
    // Only {{char}} and {{user}} placeholders (no {{original}} outside the prompt fields).
    Matcher m = PLACEHOLDER.matcher(p.toString());
    while (m.find()) {
      assertTrue(Set.of("char", "user").contains(m.group(1).toLowerCase(Locale.ROOT)),
          id + " has placeholder {{" + m.group(1) + "}}");
    }
    assertFalse(p.toString().matches("(?s).*(?<!\\{)\\{(name|nick|place|companion)}.*"),
        id + " has an unfilled bank slot");
  }

  private static String text(String id, JsonNode p, String field) {
    JsonNode node = p.get(field);
    assertTrue(node != null && node.isTextual(), id + " lacks text field '" + field + "'");
    return node.asText();
  }
}
