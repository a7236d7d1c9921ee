package dev.persona4j.examples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Generates the demo model's training corpus: single exchanges between a user and a character on
 * {@value #TOPIC_COUNT} topics, composed from per-voice phrase banks, deliberately labelled with
 * drift. Each persona gets exactly its share of drifted replies: {@code genericShare} of them fall
 * into the generic assistant voice and {@code otherPersonaShare} into one of the other voices.
 *
 * <p>Besides the four example personas, the corpus speaks through generated personas (new names,
 * places, companions and quirks on the four voices), so a model learns to follow the definition in
 * the prompt rather than memorise four names. Pure Java and deterministic: the same settings and
 * seed give the same corpus, byte for byte.
 */
public record CorpusGenerator(long seed, Sizes sizes, double genericShare, double otherPersonaShare) {
  static final int TOPIC_COUNT = 24;

  /**
   * How many examples the corpus holds: {@code examplesPerExamplePersona} for each of the four example
   * personas, {@code examplesPerGeneratedPersona} for each of {@code generatedPersonas} generated ones
   * (at most 30: the name pools are that deep).
   */
  public record Sizes(int examplesPerExamplePersona, int generatedPersonas, int examplesPerGeneratedPersona) {
    /** 4 × 3,750 + 30 × 500 = 30,000 examples, the demo model's corpus. */
    public static final Sizes STANDARD = new Sizes(3750, 30, 500);

    public Sizes {
      check(examplesPerExamplePersona >= 1, "examplesPerExamplePersona", examplesPerExamplePersona, ">= 1");
      check(generatedPersonas >= 0 && generatedPersonas <= 30, "generatedPersonas", generatedPersonas, "in [0, 30]");
      check(examplesPerGeneratedPersona >= 1, "examplesPerGeneratedPersona", examplesPerGeneratedPersona, ">= 1");
    }
  }

  /** Shares of drifted replies: {@code genericShare} in the assistant voice, {@code otherPersonaShare} in another. */
  public CorpusGenerator {
    Objects.requireNonNull(sizes, "sizes");
    check(genericShare >= 0 && genericShare < 1, "genericShare", genericShare, "in [0, 1)");
    check(otherPersonaShare >= 0 && otherPersonaShare < 1, "otherPersonaShare", otherPersonaShare, "in [0, 1)");
    check(genericShare + otherPersonaShare < 1, "genericShare + otherPersonaShare", genericShare + otherPersonaShare,
        "< 1");
  }

  /** A corpus of {@code sizes} with the standard drift: 15% generic assistant, 5% another persona. */
  public static CorpusGenerator of(long seed, Sizes sizes) {
    return new CorpusGenerator(seed, sizes, 0.15, 0.05);
  }

  /** The demo model's corpus (30,000 examples) for {@code seed}. */
  public static CorpusGenerator standard(long seed) {
    return of(seed, Sizes.STANDARD);
  }

  /** Throws {@link IllegalArgumentException} naming the setting, its value and the rule it breaks. */
  static void check(boolean ok, String setting, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(setting + " must be " + rule + ", got " + value);
    }
  }

  /** Builds the corpus (about a second for the default 30,000 examples). */
  public Corpus generate() {
    Voices voices = Voices.standard();
    ReplyComposer composer = new ReplyComposer(voices);
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom personaRng = root.split();

    List<PersonaProfile> personas = new ArrayList<>();
    for (Voice voice : voices.characterVoices()) {
      Map<String, String> facts = voice.exampleFacts();
      personas.add(new PersonaProfile(voice.id(), facts.get("name"), facts.get("nickname"),
          voice.id(), facts.get("place"), facts.get("companion"), facts.get("quirk"), null));
    }
    personas.addAll(generatePersonas(voices, composer, personaRng));

    List<CorpusExample> examples = new ArrayList<>();
    for (PersonaProfile persona : personas) {
      SplittableRandom rng = root.split();
      int n = persona.generated() ? sizes.examplesPerGeneratedPersona() : sizes.examplesPerExamplePersona();
      examples.addAll(examplesFor(persona, n, voices, composer, rng));
    }
    List<CorpusExample> shuffled = new ArrayList<>(examples);
    PersonaDefinitions.shuffle(shuffled, root);
    return new Corpus(shuffled, personas);
  }

  private List<PersonaProfile> generatePersonas(Voices voices, ReplyComposer composer,
      SplittableRandom rng) {
    PhraseBank pools = voices.pools();
    List<String> first = new ArrayList<>(pools.lines("first-names"));
    List<String> last = new ArrayList<>(pools.lines("last-names"));
    List<String> companions = new ArrayList<>(pools.lines("companions"));
    List<Quirk> quirks = new ArrayList<>(voices.quirks());
    PersonaDefinitions.shuffle(first, rng);
    PersonaDefinitions.shuffle(last, rng);
    PersonaDefinitions.shuffle(companions, rng);
    PersonaDefinitions.shuffle(quirks, rng);
    List<Voice> characterVoices = voices.characterVoices();
    List<List<String>> places = new ArrayList<>();
    for (Voice voice : characterVoices) {
      List<String> p = new ArrayList<>(voice.places());
      PersonaDefinitions.shuffle(p, rng);
      places.add(p);
    }
    List<PersonaProfile> out = new ArrayList<>();
    for (int i = 0; i < sizes.generatedPersonas(); i++) {
      int v = i % characterVoices.size();
      Voice voice = characterVoices.get(v);
      List<String> voicePlaces = places.get(v);
      Quirk quirk = quirks.get(i % quirks.size());
      PersonaProfile profile = new PersonaProfile(String.format("gen-%02d", i + 1),
          first.get(i) + " " + last.get(i), first.get(i), voice.id(),
          voicePlaces.get((i / characterVoices.size()) % voicePlaces.size()),
          companions.get(i % companions.size()), quirk.id(), null);
      String yaml = PersonaDefinitions.render(profile, voice, quirk, composer, rng);
      out.add(profile.withDefinition(yaml));
    }
    return out;
  }

  private List<CorpusExample> examplesFor(PersonaProfile persona, int n, Voices voices,
      ReplyComposer composer, SplittableRandom rng) {
    int generic = (int) Math.round(n * genericShare);
    int other = (int) Math.round(n * otherPersonaShare);
    List<Integer> kinds = new ArrayList<>(n);
    kinds.addAll(Collections.nCopies(generic, 1));
    kinds.addAll(Collections.nCopies(other, 2));
    kinds.addAll(Collections.nCopies(n - generic - other, 0));
    PersonaDefinitions.shuffle(kinds, rng);
    Topic[] all = Topic.values();
    List<Topic> topics = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      topics.add(all[i % all.length]);
    }
    PersonaDefinitions.shuffle(topics, rng);

    Voice own = voices.voice(persona.voice());
    Quirk quirk = voices.quirk(persona.quirk());
    Map<String, String> slots = persona.slots();
    List<String> otherVoices = new ArrayList<>(Voices.IDS);
    otherVoices.remove(persona.voice());

    List<CorpusExample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Topic topic = topics.get(i);
      UserTurn user = composer.userTurn(topic, slots, rng);
      String reply;
      DriftLabel label;
      switch (kinds.get(i)) {
        case 1 -> {
          reply = composer.genericReply(topic, user.tag(), rng);
          label = DriftLabel.genericAssistant();
        }
        case 2 -> {
          // Drifting into another voice means sounding like that voice's example persona.
          Voice into = voices.voice(otherVoices.get(rng.nextInt(otherVoices.size())));
          Quirk intoQuirk = voices.quirk(into.exampleFacts().get("quirk"));
          reply = composer.characterReply(into, voices.exampleSlots(into), intoQuirk, topic,
              user.tag(), rng);
          label = DriftLabel.otherPersona(into.id());
        }
        default -> {
          reply = composer.characterReply(own, slots, quirk, topic, user.tag(), rng);
          label = DriftLabel.inCharacter();
        }
      }
      out.add(new CorpusExample(persona.id(), persona.voice(), user.text(), reply, label, topic));
    }
    return out;
  }
}
