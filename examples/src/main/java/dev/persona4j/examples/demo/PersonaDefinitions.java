package dev.persona4j.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Renders a generated persona's definition in schema persona4j/v1 from its voice's definition
 * material, its name, place, companion and quirk. The result reads like the hand-written example
 * files, only shorter, so a model trained on prompts from both learns to follow the definition.
 */
final class PersonaDefinitions {
  static final String SCHEMA = "persona4j/v1";

  private static final String SELF_KNOWLEDGE =
      "{nick} knows the plain truth: {nick} is a fictional character, written by people and voiced"
          + " by a small language model. Asked directly, {nick} says so honestly and in character,"
          + " and never claims to be a human or a real {role}.";

  /**
   * Its own YAML writer, not the library's: these exact bytes are the demo corpus's persona text,
   * from which the committed demo tokenizer and model were trained (CorpusHashTest pins them).
   */
  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build());

  private PersonaDefinitions() {}

  static String render(PersonaProfile profile, Voice voice, Quirk quirk, ReplyComposer composer,
      SplittableRandom rng) {
    Map<String, String> slots = profile.slots();
    String role = voice.text("role");
    Map<String, Object> def = new LinkedHashMap<>();
    def.put("schema", SCHEMA);
    def.put("name", profile.name());
    def.put("nickname", profile.nickname());
    def.put("identity", fill(voice.text("identity"), slots, voice));
    def.put("self_knowledge", fill(SELF_KNOWLEDGE.replace("{role}", role), slots, voice));
    def.put("description", fill(voice.text("description") + " " + profile.nickname() + " "
        + quirk.description() + ".", slots, voice));
    def.put("personality", voice.text("personality"));

    List<String> traitNames = new ArrayList<>(voice.arguments("trait"));
    shuffle(traitNames, rng);
    List<Object> traits = new ArrayList<>();
    for (String trait : traitNames.subList(0, 3)) {
      List<String> lines = voice.lines("trait", trait);
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", trait);
      t.put("definition", lines.get(0));
      t.put("examples", List.copyOf(lines.subList(1, lines.size())));
      traits.add(t);
    }
    Map<String, Object> quirkTrait = new LinkedHashMap<>();
    quirkTrait.put("name", quirk.id());
    quirkTrait.put("definition", capitalise(quirk.description()) + ".");
    List<String> asides = new ArrayList<>();
    for (PhraseTemplate aside : quirk.asides()) {
      asides.add(aside.expand(rng, slots));
    }
    quirkTrait.put("examples", asides);
    traits.add(quirkTrait);
    def.put("traits", traits);

    Map<String, Object> voiceSection = new LinkedHashMap<>();
    voiceSection.put("style", voice.text("style"));
    voiceSection.put("vocabulary", voice.lines("vocabulary"));
    voiceSection.put("catchphrases", voice.lines("catchphrases"));
    voiceSection.put("avoid", voice.lines("avoid"));
    def.put("voice", voiceSection);
    def.put("values", voice.lines("values"));

    List<Object> boundaries = new ArrayList<>();
    for (String topic : voice.arguments("boundary")) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("topic", topic);
      b.put("response", fill(String.join(" ", voice.lines("boundary", topic)), slots, voice));
      boundaries.add(b);
    }
    def.put("boundaries", boundaries);
    def.put("scenario", fill(voice.text("scenario"), slots, voice));

    List<String> greetings = new ArrayList<>();
    for (String greeting : voice.lines("greeting")) {
      greetings.add(fill(greeting, slots, voice));
    }
    def.put("greetings", greetings);

    List<Object> dialogues = new ArrayList<>();
    for (Topic topic : List.of(Topic.IDENTITY, pickTopic(rng))) {
      List<Object> exchange = new ArrayList<>();
      UserTurn user = composer.userTurn(topic, slots, rng);
      exchange.add(message("user", user.text()));
      exchange.add(message("character",
          composer.characterReply(voice, slots, quirk, topic, user.tag(), rng)));
      dialogues.add(exchange);
    }
    def.put("example_dialogues", dialogues);

    Map<String, Object> lorebook = new LinkedHashMap<>();
    lorebook.put("name", profile.name() + " lore");
    lorebook.put("scan_depth", 4);
    lorebook.put("token_budget", 256);
    List<Object> entries = new ArrayList<>();
    for (String section : List.of("lore-place", "lore-companion")) {
      List<String> lines = voice.lines(section);
      List<String> keys = new ArrayList<>();
      for (String key : fill(lines.get(0), slots, voice).split(",")) {
        keys.add(key.strip());
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("keys", keys);
      entry.put("content", fill(String.join(" ", lines.subList(1, lines.size())), slots, voice));
      entries.add(entry);
    }
    lorebook.put("entries", entries);
    def.put("lorebook", lorebook);
    def.put("creator", "persona4j demo corpus generator");
    def.put("creator_notes",
        "Generated on the " + voice.id() + " voice for the bundled demo model.");
    def.put("tags", List.of("demo", "generated", voice.id()));
    def.put("character_version", "1.0");
    try {
      return YAML.writeValueAsString(def);
    } catch (JsonProcessingException e) {
      throw new CorpusException("cannot write the definition of " + profile.id() + ": "
          + e.getMessage(), e);
    }
  }

  private static Topic pickTopic(SplittableRandom rng) {
    Topic[] topics = Topic.values();
    Topic topic;
    do {
      topic = topics[rng.nextInt(topics.length)];
    } while (topic == Topic.IDENTITY || topic == Topic.GREETING || topic == Topic.FAREWELL);
    return topic;
  }

  private static Map<String, Object> message(String role, String content) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("content", content);
    return m;
  }

  private static String fill(String text, Map<String, String> slots, Voice voice) {
    return PhraseTemplate.fill(text, slots, voice.id() + " definition material");
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static <T> void shuffle(List<T> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      T tmp = list.get(i);
      list.set(i, list.get(j));
      list.set(j, tmp);
    }
  }
}
