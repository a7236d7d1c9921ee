package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A character: who it is, what it honestly knows about itself, how it talks, what it values and declines,
 * its setting, greetings, example dialogues and lorebook, plus the metadata a Character Card carries.
 *
 * <p>Immutable. Text fields may contain the placeholders {@code {{char}}}, {@code {{user}}} (and
 * {@code {{original}}} in the system prompt and post-history instructions), resolved when a prompt is
 * assembled. Absent text fields are empty strings.
 */
public final class Persona {
  private final String name;
  private final String nickname;
  private final String identity;
  private final String selfKnowledge;
  private final String description;
  private final String personality;
  private final List<Trait> traits;
  private final Voice voice;
  private final List<String> values;
  private final List<Boundary> boundaries;
  private final String scenario;
  private final List<String> greetings;
  private final List<ExampleDialogue> exampleDialogues;
  private final String systemPrompt;
  private final String postHistoryInstructions;
  private final Lorebook lorebook;
  private final String creator;
  private final String creatorNotes;
  private final List<String> tags;
  private final String characterVersion;
  private final ObjectNode extensions;
  private final ObjectNode cardFields;

  private Persona(Builder b) {
    this.name = b.name;
    this.nickname = b.nickname;
    this.identity = b.identity;
    this.selfKnowledge = b.selfKnowledge;
    this.description = b.description;
    this.personality = b.personality;
    this.traits = List.copyOf(b.traits);
    this.voice = b.voice;
    this.values = List.copyOf(b.values);
    this.boundaries = List.copyOf(b.boundaries);
    this.scenario = b.scenario;
    this.greetings = List.copyOf(b.greetings);
    this.exampleDialogues = List.copyOf(b.exampleDialogues);
    this.systemPrompt = b.systemPrompt;
    this.postHistoryInstructions = b.postHistoryInstructions;
    this.lorebook = b.lorebook;
    this.creator = b.creator;
    this.creatorNotes = b.creatorNotes;
    this.tags = List.copyOf(b.tags);
    this.characterVersion = b.characterVersion;
    this.extensions = b.extensions == null ? JsonNodeFactory.instance.objectNode() : b.extensions.deepCopy();
    this.cardFields = b.cardFields == null ? JsonNodeFactory.instance.objectNode() : b.cardFields.deepCopy();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this persona's values, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.nickname = nickname;
    b.identity = identity;
    b.selfKnowledge = selfKnowledge;
    b.description = description;
    b.personality = personality;
    b.traits = traits;
    b.voice = voice;
    b.values = values;
    b.boundaries = boundaries;
    b.scenario = scenario;
    b.greetings = greetings;
    b.exampleDialogues = exampleDialogues;
    b.systemPrompt = systemPrompt;
    b.postHistoryInstructions = postHistoryInstructions;
    b.lorebook = lorebook;
    b.creator = creator;
    b.creatorNotes = creatorNotes;
    b.tags = tags;
    b.characterVersion = characterVersion;
    b.extensions = extensions;
    b.cardFields = cardFields;
    return b;
  }

  /** The character's full name. */
  public String name() {
    return name;
  }

  /** A shorter name the character goes by; {@code {{char}}} resolves to it when set. */
  public Optional<String> nickname() {
    return Optional.ofNullable(nickname);
  }

  /** The name {@code {{char}}} stands for: the nickname when set, else the name. */
  public String charName() {
    return nickname != null ? nickname : name;
  }

  /** Who the character is, in prose. */
  public String identity() {
    return identity;
  }

  /**
   * What the character honestly knows about itself: that it is a character written by people and voiced
   * by a language model, and how it talks about that.
   */
  public String selfKnowledge() {
    return selfKnowledge;
  }

  /** Appearance and background (a card's {@code description}). */
  public String description() {
    return description;
  }

  /** A short personality summary (a card's {@code personality}). */
  public String personality() {
    return personality;
  }

  public List<Trait> traits() {
    return traits;
  }

  public Voice voice() {
    return voice;
  }

  /** What the character values, most important first. */
  public List<String> values() {
    return values;
  }

  /** Topics the character declines, with how it declines. */
  public List<Boundary> boundaries() {
    return boundaries;
  }

  /** The setting the conversation takes place in. */
  public String scenario() {
    return scenario;
  }

  /** Opening lines; the first is a card's {@code first_mes}, the rest its {@code alternate_greetings}. */
  public List<String> greetings() {
    return greetings;
  }

  public List<ExampleDialogue> exampleDialogues() {
    return exampleDialogues;
  }

  /** Replaces the default instructions when not empty; {@code {{original}}} stands for the default. */
  public String systemPrompt() {
    return systemPrompt;
  }

  /** Instructions placed after the conversation history, when not empty. */
  public String postHistoryInstructions() {
    return postHistoryInstructions;
  }

  public Optional<Lorebook> lorebook() {
    return Optional.ofNullable(lorebook);
  }

  public String creator() {
    return creator;
  }

  /** Notes for people using the persona; never sent to the model. */
  public String creatorNotes() {
    return creatorNotes;
  }

  public List<String> tags() {
    return tags;
  }

  public String characterVersion() {
    return characterVersion;
  }

  /** Card extensions, kept untouched (a copy; changing it changes nothing here). */
  public ObjectNode extensions() {
    return extensions.deepCopy();
  }

  /**
   * Fields of an imported card that have no slot in a persona, in the card's shape: fields beside
   * {@code data} at the top level, and fields inside {@code data} under the key {@code data}. Kept so a
   * card written back carries them (a copy).
   */
  public ObjectNode cardFields() {
    return cardFields.deepCopy();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Persona p)) {
      return false;
    }
    return name.equals(p.name)
        && Objects.equals(nickname, p.nickname)
        && identity.equals(p.identity)
        && selfKnowledge.equals(p.selfKnowledge)
        && description.equals(p.description)
        && personality.equals(p.personality)
        && traits.equals(p.traits)
        && voice.equals(p.voice)
        && values.equals(p.values)
        && boundaries.equals(p.boundaries)
        && scenario.equals(p.scenario)
        && greetings.equals(p.greetings)
        && exampleDialogues.equals(p.exampleDialogues)
        && systemPrompt.equals(p.systemPrompt)
        && postHistoryInstructions.equals(p.postHistoryInstructions)
        && Objects.equals(lorebook, p.lorebook)
        && creator.equals(p.creator)
        && creatorNotes.equals(p.creatorNotes)
        && tags.equals(p.tags)
        && characterVersion.equals(p.characterVersion)
        && extensions.equals(p.extensions)
        && cardFields.equals(p.cardFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, nickname, description, personality, traits, greetings, exampleDialogues);
  }

  @Override
  public String toString() {
    return "Persona{" + name + (nickname == null ? "" : " (" + nickname + ")") + "}";
  }

  /** Builds a {@link Persona}. Only the name is required. */
  public static final class Builder {
    private String name;
    private String nickname;
    private String identity = "";
    private String selfKnowledge = "";
    private String description = "";
    private String personality = "";
    private List<Trait> traits = List.of();
    private Voice voice = Voice.empty();
    private List<String> values = List.of();
    private List<Boundary> boundaries = List.of();
    private String scenario = "";
    private List<String> greetings = List.of();
    private List<ExampleDialogue> exampleDialogues = List.of();
    private String systemPrompt = "";
    private String postHistoryInstructions = "";
    private Lorebook lorebook;
    private String creator = "";
    private String creatorNotes = "";
    private List<String> tags = List.of();
    private String characterVersion = "";
    private ObjectNode extensions;
    private ObjectNode cardFields;

    private Builder() {}

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Sets the nickname; null or empty clears it. */
    public Builder nickname(String nickname) {
      this.nickname = nickname == null || nickname.isEmpty() ? null : nickname;
      return this;
    }

    public Builder identity(String identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    public Builder selfKnowledge(String selfKnowledge) {
      this.selfKnowledge = Objects.requireNonNull(selfKnowledge, "selfKnowledge");
      return this;
    }

    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder personality(String personality) {
      this.personality = Objects.requireNonNull(personality, "personality");
      return this;
    }

    public Builder traits(List<Trait> traits) {
      this.traits = List.copyOf(traits);
      return this;
    }

    public Builder voice(Voice voice) {
      this.voice = Objects.requireNonNull(voice, "voice");
      return this;
    }

    public Builder values(List<String> values) {
      this.values = List.copyOf(values);
      return this;
    }

    public Builder boundaries(List<Boundary> boundaries) {
      this.boundaries = List.copyOf(boundaries);
      return this;
    }

    public Builder scenario(String scenario) {
      this.scenario = Objects.requireNonNull(scenario, "scenario");
      return this;
    }

    public Builder greetings(List<String> greetings) {
      this.greetings = List.copyOf(greetings);
      return this;
    }

    public Builder exampleDialogues(List<ExampleDialogue> exampleDialogues) {
      this.exampleDialogues = List.copyOf(exampleDialogues);
      return this;
    }

    public Builder systemPrompt(String systemPrompt) {
      this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
      return this;
    }

    public Builder postHistoryInstructions(String postHistoryInstructions) {
      this.postHistoryInstructions = Objects.requireNonNull(postHistoryInstructions, "postHistoryInstructions");
      return this;
    }

    /** Sets the lorebook; null removes it. */
    public Builder lorebook(Lorebook lorebook) {
      this.lorebook = lorebook;
      return this;
    }

    public Builder creator(String creator) {
      this.creator = Objects.requireNonNull(creator, "creator");
      return this;
    }

    public Builder creatorNotes(String creatorNotes) {
      this.creatorNotes = Objects.requireNonNull(creatorNotes, "creatorNotes");
      return this;
    }

    public Builder tags(List<String> tags) {
      this.tags = List.copyOf(tags);
      return this;
    }

    public Builder characterVersion(String characterVersion) {
      this.characterVersion = Objects.requireNonNull(characterVersion, "characterVersion");
      return this;
    }

    /** Card extensions; the tree is copied. */
    public Builder extensions(ObjectNode extensions) {
      this.extensions = Objects.requireNonNull(extensions, "extensions").deepCopy();
      return this;
    }

    /** Card fields with no persona slot (see {@link Persona#cardFields()}); the tree is copied. */
    public Builder cardFields(ObjectNode cardFields) {
      this.cardFields = Objects.requireNonNull(cardFields, "cardFields").deepCopy();
      return this;
    }

    /**
     * @throws IllegalStateException when the name is missing or blank
     */
    public Persona build() {
      if (name == null || name.isBlank()) {
        throw new IllegalStateException("a persona needs a name");
      }
      return new Persona(this);
    }
  }
}
