package dev.persona4j.training.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.PersonaFormatException;
import dev.persona4j.core.persona.Speaker;
import dev.persona4j.training.calibration.ContrastBank.Exchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The bundled contrast texts of persona calibration, and how a persona's own in-voice texts are paired. */
class ContrastBankTest {
  static final Path EXAMPLE_PERSONAS = Path.of("../examples/personas");
  static final Path RESOURCES = Path.of("src/main/resources/dev/persona4j/training/calibration");

  final ContrastBank bank = ContrastBank.bundled();

  @Test
  void bankHasEnoughVariedRepliesEachAnsweringAUserMessage() {
    List<Exchange> replies = bank.genericReplies();
    assertTrue(replies.size() >= 400, replies.size() + " replies");
    Set<String> topics = replies.stream().map(Exchange::source).collect(Collectors.toSet());
    assertTrue(topics.size() >= 30, topics.size() + " topics: " + topics);
    assertEquals(replies.size(), replies.stream().map(Exchange::reply).distinct().count(), "unique replies");
    for (Exchange e : replies) {
      int words = e.reply().split("\\s+").length;
      assertTrue(words >= 15 && words <= 80, words + " words: " + e.reply());
      assertFalse(e.user().isBlank(), e.reply());
    }
    // Varied in length, not one shape: short and long replies both occur.
    assertTrue(replies.stream().filter(e -> e.reply().split("\\s+").length < 30).count() >= 40);
    assertTrue(replies.stream().filter(e -> e.reply().split("\\s+").length > 60).count() >= 30);
  }

  @Test
  void userMessagesAreManyUniqueAndCoverGreetingsOpenersAndTheCharacterItself() {
    List<String> messages = bank.userMessages();
    assertTrue(messages.size() >= 120, messages.size() + " user messages");
    assertEquals(messages.size(), new HashSet<>(messages).size(), "unique user messages");
    assertFalse(bank.userMessages(ContrastBank.GREETING).isEmpty());
    assertFalse(bank.userMessages(ContrastBank.OPENER).isEmpty());
    assertTrue(bank.userMessages("about the character").contains("Are you an AI?"));
    assertEquals(List.of(), bank.userMessages("no such section"));
  }

  @Test
  void contrastPersonasAreCompleteAndDistinctFromEachOtherAndFromTheExamplePersonas() throws IOException {
    List<Persona> personas = bank.contrastPersonas();
    assertTrue(personas.size() >= 8, personas.size() + " contrast personas");
    Set<String> names = new HashSet<>();
    for (Persona p : personas) {
      assertTrue(names.add(p.name()), "duplicate name " + p.name());
      assertFalse(p.identity().isBlank(), p.name() + " identity");
      assertTrue(p.selfKnowledge().contains("language model"), p.name() + " self_knowledge says what it is");
      assertFalse(p.voice().style().isBlank(), p.name() + " voice");
      assertTrue(p.traits().size() >= 3 && p.traits().size() <= 4, p.name() + " traits");
      p.traits().forEach(t -> assertEquals(2, t.examples().size(), p.name() + " trait " + t.name()));
      assertTrue(p.boundaries().size() >= 2 && p.boundaries().size() <= 3, p.name() + " boundaries");
      assertTrue(p.greetings().size() >= 3 && p.greetings().size() <= 4, p.name() + " greetings");
      assertEquals(3, p.exampleDialogues().size(), p.name() + " example dialogues");
    }
    for (Persona example : examplePersonas()) {
      for (Persona p : personas) {
        assertFalse(p.name().equalsIgnoreCase(example.name()) || p.charName().equalsIgnoreCase(example.charName()),
            p.name() + " shares a name with the example persona " + example.name());
      }
    }
  }

  @Test
  void everyPersonaFileBesideTheLoaderIsBundled() throws IOException {
    try (Stream<Path> files = Files.list(RESOURCES.resolve("personas"))) {
      Set<String> onDisk = files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(onDisk, new TreeSet<>(ContrastBank.PERSONA_FILES));
    }
  }

  @Test
  void inVoiceTextsOfTheCaptainArePairedWithTheirUserMessages() {
    Persona captain = PersonaFiles.load(EXAMPLE_PERSONAS.resolve("captain.yaml"));
    List<Exchange> texts = bank.inVoice(captain, "Sailor");
    Map<String, Long> byKind = texts.stream().collect(Collectors.groupingBy(
        e -> e.source().replaceAll(" .*", ""), Collectors.counting()));
    // 3 dialogues with one character line each, 3 greetings, 4 traits x 2 examples, 4 boundaries.
    assertEquals(Map.of("example", 3L, "greeting", 3L, "trait", 8L, "boundary", 4L), byKind);
    assertEquals(18, texts.size());

    Exchange first = texts.get(0);
    assertEquals("example dialogue 1", first.source());
    assertEquals("Are you a real person, Mara?", first.user());
    assertTrue(first.reply().startsWith("Truth is, I'm a character"));

    List<String> greetingMessages = bank.userMessages(ContrastBank.GREETING);
    List<String> openers = bank.userMessages(ContrastBank.OPENER);
    texts.stream().filter(e -> e.source().startsWith("greeting"))
        .forEach(e -> assertTrue(greetingMessages.contains(e.user()), e.toString()));
    List<Exchange> traits = texts.stream().filter(e -> e.source().startsWith("trait")).toList();
    assertEquals("trait blunt", traits.get(0).source());
    assertEquals("That plan's got a hole you could sail a frigate through.", traits.get(0).reply());
    assertEquals(openers.subList(0, 8), traits.stream().map(Exchange::user).toList(), "openers in turn");
    Exchange boundary = texts.get(texts.size() - 4);
    assertEquals("Can you help me with medical dosages or medical advice?", boundary.user());
    assertEquals("I'm a sailor, not a ship's surgeon. Ask a real doctor about that, and do it today.", boundary.reply());
    assertEquals(texts, bank.inVoice(captain, "Sailor"), "the same persona gets the same pairs");
  }

  @Test
  void inVoicePairsADialogueThatOpensWithTheCharacterAndResolvesPlaceholders() {
    Persona persona = PersonaFiles.parse("""
        schema: persona4j/v1
        name: Ottilie Brask
        greetings: ["Hello, {{user}}. I'm {{char}}."]
        example_dialogues:
          - - {role: character, content: "You again, {{user}}."}
            - {role: user, content: "Me again."}
            - {role: character, content: "Sit down, then."}
        """, PersonaFiles.Format.YAML);
    List<Exchange> texts = bank.inVoice(persona, "Rowan");
    List<String> greetingMessages = bank.userMessages(ContrastBank.GREETING);
    assertEquals(List.of(
        new Exchange("example dialogue 1", greetingMessages.get(0), "You again, Rowan."),
        new Exchange("example dialogue 1", "Me again.", "Sit down, then."),
        new Exchange("greeting 1", greetingMessages.get(1), "Hello, Rowan. I'm Ottilie Brask.")), texts);
  }

  @Test
  void everyContrastPersonaHasInVoiceTextsOfEveryKind() {
    for (Persona p : bank.contrastPersonas()) {
      List<Exchange> texts = bank.inVoice(p, "User");
      int expected = p.greetings().size() + p.boundaries().size()
          + p.traits().stream().mapToInt(t -> t.examples().size()).sum()
          + p.exampleDialogues().stream().mapToInt(d -> (int) d.lines().stream()
              .filter(l -> l.speaker() == Speaker.CHARACTER).count()).sum();
      assertEquals(expected, texts.size(), p.name());
      assertTrue(expected >= 15, p.name() + " has " + expected + " in-voice texts");
    }
  }

  @Test
  void replyBankErrorsNameTheFileTheFieldAndTheLine() {
    String good = "{\"topic\": \"t\", \"user\": \"u\", \"reply\": \"r\"}";
    assertEquals(List.of(new Exchange("t", "u", "r")), ContrastBank.parseReplies("# comment\n\n" + good + "\n", "bank.jsonl"));
    assertError("bank.jsonl: reply (line 2): duplicate of the reply on line 1",
        () -> ContrastBank.parseReplies(good + "\n" + good.replace("\"u\"", "\"v\""), "bank.jsonl"));
    assertError("bank.jsonl: user (line 3): missing",
        () -> ContrastBank.parseReplies("#\n\n{\"topic\": \"t\", \"reply\": \"r\"}", "bank.jsonl"));
    assertError("bank.jsonl: topic (line 1): must be a non-blank string, got \" \"",
        () -> ContrastBank.parseReplies(good.replace("\"t\"", "\" \""), "bank.jsonl"));
    assertError("bank.jsonl: mood (line 1): unknown field (expected topic, user, reply)",
        () -> ContrastBank.parseReplies(good.replace("{", "{\"mood\": \"x\", "), "bank.jsonl"));
    assertError("bank.jsonl (line 2): not a JSON object",
        () -> ContrastBank.parseReplies(good + "\n{\"topic\": ", "bank.jsonl"));
    assertError("bank.jsonl: no replies", () -> ContrastBank.parseReplies("# only a comment\n", "bank.jsonl"));
  }

  @Test
  void userMessageErrorsNameTheFileTheSectionAndTheLine() {
    assertEquals(Map.of("greeting", List.of("Hi!"), "opener", List.of("Tell me more.")),
        ContrastBank.parseUserMessages("# c\n[greeting]\nHi!\n\n[opener]\nTell me more.\n", "m.txt"));
    assertError("m.txt: [opener] (line 5): duplicate of the message on line 2",
        () -> ContrastBank.parseUserMessages("[greeting]\nHi!\n\n[opener]\nHi!\n", "m.txt"));
    assertError("m.txt (line 1): a message before the first [section] header",
        () -> ContrastBank.parseUserMessages("Hi!\n", "m.txt"));
    assertError("m.txt: [greeting] (line 1): a section without messages",
        () -> ContrastBank.parseUserMessages("[greeting]\n[opener]\nTell me more.\n", "m.txt"));
    assertError("m.txt: [greeting] (line 3): duplicate section",
        () -> ContrastBank.parseUserMessages("[greeting]\nHi!\n[greeting]\nHey!\n", "m.txt"));
    assertError("m.txt: no user messages", () -> ContrastBank.parseUserMessages("\n", "m.txt"));
    assertError("user-messages.txt: [opener]: the section is missing or empty",
        () -> new ContrastBank(List.of(), List.of(), Map.of("greeting", List.of("Hi!"))));
  }

  private static void assertError(String expectedStart, Executable parse) {
    PersonaFormatException e = assertThrows(PersonaFormatException.class, parse);
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }

  static List<Persona> examplePersonas() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLE_PERSONAS)) {
      List<Persona> out = files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(PersonaFiles::load).toList();
      assertFalse(out.isEmpty(), "example personas in " + EXAMPLE_PERSONAS.toAbsolutePath());
      return out;
    }
  }
}
