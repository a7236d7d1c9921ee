package dev.persona4j.examples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
public final class CorpusGenerator {
  static final int TOPIC_COUNT = 24;

  private final long seed;
  private final int examplesPerExamplePersona;
  private final int generatedPersonas;
  private final int examplesPerGeneratedPersona;
  private final double genericShare;
  private final double otherPersonaShare;

  private CorpusGenerator(Builder b) {
    this.seed = b.seed;
    this.examplesPerExamplePersona = b.examplesPerExamplePersona;
    this.generatedPersonas = b.generatedPersonas;
    this.examplesPerGeneratedPersona = b.examplesPerGeneratedPersona;
    this.genericShare = b.genericShare;
    this.otherPersonaShare = b.otherPersonaShare;
  }

  public static Builder builder() {
    return new Builder();
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
      int n = persona.generated() ? examplesPerGeneratedPersona : examplesPerExamplePersona;
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
    for (int i = 0; i < generatedPersonas; i++) {
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

  /** Settings for {@link CorpusGenerator}; defaults give 30,000 examples. */
  public static final class Builder {
    private long seed = 7;
    private int examplesPerExamplePersona = 3750;
    private int generatedPersonas = 30;
    private int examplesPerGeneratedPersona = 500;
    private double genericShare = 0.15;
    private double otherPersonaShare = 0.05;

    private Builder() {}

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Examples for each of the four example personas (default 3,750). */
    public Builder examplesPerExamplePersona(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("examplesPerExamplePersona must be >= 1, got " + n);
      }
      this.examplesPerExamplePersona = n;
      return this;
    }

    /** Number of generated personas (default 30, at most 30: the name pools are that deep). */
    public Builder generatedPersonas(int n) {
      if (n < 0 || n > 30) {
        throw new IllegalArgumentException("generatedPersonas must be in [0, 30], got " + n);
      }
      this.generatedPersonas = n;
      return this;
    }

    /** Examples for each generated persona (default 500). */
    public Builder examplesPerGeneratedPersona(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("examplesPerGeneratedPersona must be >= 1, got " + n);
      }
      this.examplesPerGeneratedPersona = n;
      return this;
    }

    /** Share of replies that fall into the generic assistant voice (default 0.15). */
    public Builder genericShare(double share) {
      if (!(share >= 0 && share < 1)) {
        throw new IllegalArgumentException("genericShare must be in [0, 1), got " + share);
      }
      this.genericShare = share;
      return this;
    }

    /** Share of replies that fall into another persona's voice (default 0.05). */
    public Builder otherPersonaShare(double share) {
      if (!(share >= 0 && share < 1)) {
        throw new IllegalArgumentException("otherPersonaShare must be in [0, 1), got " + share);
      }
      this.otherPersonaShare = share;
      return this;
    }

    public CorpusGenerator build() {
      if (genericShare + otherPersonaShare >= 1) {
        throw new IllegalArgumentException("genericShare + otherPersonaShare must be < 1, got "
            + (genericShare + otherPersonaShare));
      }
      return new CorpusGenerator(this);
    }
  }
}
