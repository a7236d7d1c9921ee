package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusGeneratorTest {
  private final Corpus corpus = CorpusFixture.defaultCorpus();

  @Test
  void sameSeedGivesTheSameCorpusAndAnotherSeedDoesNot() {
    CorpusGenerator.Sizes sizes = new CorpusGenerator.Sizes(300, 8, 100);
    CorpusGenerator small = CorpusGenerator.of(7, sizes);
    List<String> first = jsonLines(small.generate());
    List<String> second = jsonLines(small.generate());
    assertEquals(first, second);
    List<String> otherSeed = jsonLines(CorpusGenerator.of(8, sizes).generate());
    assertEquals(first.size(), otherSeed.size());
    assertNotEquals(first, otherSeed);
    // The default corpus is deterministic too, including the generated persona definitions.
    Corpus again = CorpusGenerator.standard(7).generate();
    assertEquals(jsonLines(corpus), jsonLines(again));
    for (int i = 0; i < corpus.personas().size(); i++) {
      assertEquals(corpus.personas().get(i).generatedDefinition(),
          again.personas().get(i).generatedDefinition());
    }
  }

  @Test
  void labelSharesAreFifteenAndFivePercentOverallAndPerPersona() {
    CorpusStatistics stats = corpus.statistics();
    assertEquals(30_000, stats.examples());
    assertEquals(0.15, stats.labelShares().get("generic_assistant"), 0.02);
    assertEquals(0.05, stats.labelShares().get("other_persona"), 0.02);
    assertEquals(0.80, stats.labelShares().get("in_character"), 0.02);
    Map<String, int[]> perPersona = new HashMap<>();
    for (CorpusExample e : corpus.examples()) {
      int[] counts = perPersona.computeIfAbsent(e.persona(), k -> new int[3]);
      counts[e.label().kind().ordinal()]++;
    }
    assertEquals(34, perPersona.size());
    perPersona.forEach((persona, counts) -> {
      double n = counts[0] + counts[1] + counts[2];
      assertEquals(0.15, counts[1] / n, 0.02, persona + " generic share");
      assertEquals(0.05, counts[2] / n, 0.02, persona + " other-persona share");
    });
  }

  @Test
  void otherPersonaDriftIsIntoADifferentVoiceAndCoversEveryOtherVoice() {
    Map<String, Set<String>> into = new HashMap<>();
    for (CorpusExample e : corpus.examples()) {
      if (e.label().kind() == DriftLabel.Kind.OTHER_PERSONA) {
        String other = e.label().otherVoice().orElseThrow();
        assertNotEquals(e.voice(), other, e.toString());
        into.computeIfAbsent(e.voice(), k -> new HashSet<>()).add(other);
      }
    }
    for (String voice : Voices.IDS) {
      Set<String> expected = new HashSet<>(Voices.IDS);
      expected.remove(voice);
      assertEquals(expected, into.get(voice), voice);
    }
  }

  @Test
  void everyPersonaSpeaksOnEveryOneOfTheTwentyFourTopics() {
    assertTrue(Topic.values().length >= 20);
    Map<String, Set<Topic>> topics = new HashMap<>();
    for (CorpusExample e : corpus.examples()) {
      topics.computeIfAbsent(e.persona(), k -> new HashSet<>()).add(e.topic());
    }
    assertEquals(34, topics.size());
    topics.forEach((persona, set) -> assertEquals(Topic.values().length, set.size(), persona));
    assertEquals(24, corpus.statistics().topics());
  }

  @Test
  void repliesVaryWithinEveryPersonaAndTopic() {
    CorpusStatistics stats = corpus.statistics();
    assertTrue(stats.distinctReplies() > 20_000, "distinct replies " + stats.distinctReplies());
    for (String example : Voices.IDS) {
      int distinct = stats.distinctInCharacterRepliesByPersona().get(example);
      assertTrue(distinct >= 2_000, example + " has only " + distinct + " distinct replies");
    }
    for (PersonaProfile p : corpus.personas()) {
      if (p.generated()) {
        int distinct = stats.distinctInCharacterRepliesByPersona().get(p.id());
        assertTrue(distinct >= 300, p.id() + " has only " + distinct + " distinct replies");
      }
    }
    assertTrue(stats.minDistinctInCharacterRepliesPerPersonaTopic() >= 8,
        "a persona x topic cell has only " + stats.minDistinctInCharacterRepliesPerPersonaTopic());
  }

  @Test
  void repliesAreShortTidySentences() {
    for (CorpusExample e : corpus.examples()) {
      String r = e.reply();
      int words = ReplyComposer.wordCount(r);
      assertTrue(words >= 15 && words <= 45, words + " words: " + r);
      assertTrue(Character.isUpperCase(r.charAt(0)), r);
      assertTrue(r.endsWith(".") || r.endsWith("!") || r.endsWith("?"), r);
      assertFalse(r.contains("  ") || r.contains("{") || r.contains("[") || r.contains("|"), r);
      assertFalse(e.user().contains("{") || e.user().contains("["), e.user());
    }
    CorpusStatistics stats = corpus.statistics();
    assertTrue(stats.meanReplyWords() > 20 && stats.meanReplyWords() < 35,
        "mean words " + stats.meanReplyWords());
  }

  @Test
  void generatedPersonasUseTheirOwnNamesPlacesAndCompanionsInReplies() {
    List<PersonaProfile> generated = corpus.personas().stream().filter(PersonaProfile::generated)
        .toList();
    assertEquals(30, generated.size());
    assertEquals(30, generated.stream().map(PersonaProfile::nickname).distinct().count());
    for (String voice : Voices.IDS) {
      assertTrue(generated.stream().filter(p -> p.voice().equals(voice)).count() >= 7, voice);
    }
    for (PersonaProfile p : generated) {
      long mentions = corpus.examples().stream()
          .filter(e -> e.persona().equals(p.id()) && e.label().isInCharacter())
          .filter(e -> e.reply().contains(p.companion()) || e.reply().contains(p.place()))
          .count();
      assertTrue(mentions >= 20, p.id() + " mentions its companion or place only " + mentions);
      long userMentions = corpus.examples().stream()
          .filter(e -> e.persona().equals(p.id()) && e.user().contains(p.nickname())).count();
      assertTrue(userMentions >= 10, p.id() + " is addressed by name only " + userMentions);
    }
  }

  @Test
  void jsonlHasTheDocumentedKeysAndReadsBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("corpus.jsonl");
    corpus.writeJsonl(file);
    List<String> lines = Files.readAllLines(file);
    assertEquals(corpus.examples().size(), lines.size());
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < lines.size(); i += 97) {
      JsonNode node = json.readTree(lines.get(i));
      CorpusExample e = corpus.examples().get(i);
      assertEquals(List.of("persona", "voice", "user", "reply", "label", "topic"),
          iterableToList(node.fieldNames()));
      assertEquals(e.persona(), node.get("persona").asText());
      assertEquals(e.voice(), node.get("voice").asText());
      assertEquals(e.user(), node.get("user").asText());
      assertEquals(e.reply(), node.get("reply").asText());
      assertEquals(e.label(), DriftLabel.parse(node.get("label").asText()));
      assertEquals(e.topic(), Topic.fromId(node.get("topic").asText()));
    }
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new CorpusGenerator(7, CorpusGenerator.Sizes.STANDARD, 0.7, 0.3));
    assertThrows(IllegalArgumentException.class, () -> new CorpusGenerator.Sizes(3750, 31, 500));
    assertThrows(IllegalArgumentException.class, () -> new CorpusGenerator.Sizes(0, 30, 500));
    assertThrows(IllegalArgumentException.class, () -> DriftLabel.parse("off_character"));
    assertEquals("other_persona:captain", DriftLabel.parse("other_persona:captain").code());
  }

  private static List<String> jsonLines(Corpus c) {
    return c.examples().stream().map(Corpus::toJson).toList();
  }

  private static List<String> iterableToList(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
