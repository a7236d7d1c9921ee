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
 * assembled. Absent text fields are empty strings. Build one with {@link #builder()}; only the name is
 * required.
 *
 * @param name the character's full name
 * @param nickname a shorter name the character goes by; {@code {{char}}} resolves to it when set
 * @param identity who the character is, in prose
 * @param selfKnowledge what the character honestly knows about itself: that it is a character written by
 *     people and voiced by a language model, and how it talks about that
 * @param description appearance and background (a card's {@code description})
 * @param personality a short personality summary (a card's {@code personality})
 * @param traits the character's traits, each with examples
 * @param voice how the character talks
 * @param values what the character values, most important first
 * @param boundaries topics the character declines, with how it declines
 * @param scenario the setting the conversation takes place in
 * @param greetings opening lines; the first is a card's {@code first_mes}, the rest its {@code
 *     alternate_greetings}
 * @param exampleDialogues example dialogues showing the character's voice
 * @param systemPrompt replaces the default instructions when not empty; {@code {{original}}} stands for the
 *     default
 * @param postHistoryInstructions instructions placed after the conversation history, when not empty
 * @param lorebook entries inserted into the prompt when their keys appear
 * @param creator the card's creator
 * @param creatorNotes notes for people using the persona; never sent to the model
 * @param tags the card's tags
 * @param characterVersion the card's version of the character
 * @param extensions card extensions, kept untouched (copied in and out)
 * @param cardFields fields of an imported card that have no slot in a persona, in the card's shape: fields
 *     beside {@code data} at the top level, and fields inside {@code data} under the key {@code data}; kept
 *     so a card written back carries them (copied in and out)
 */
public record Persona(
    String name,
    Optional<String> nickname,
    String identity,
    String selfKnowledge,
    String description,
    String personality,
    List<Trait> traits,
    Voice voice,
    List<String> values,
    List<Boundary> boundaries,
    String scenario,
    List<String> greetings,
    List<ExampleDialogue> exampleDialogues,
    String systemPrompt,
    String postHistoryInstructions,
    Optional<Lorebook> lorebook,
    String creator,
    String creatorNotes,
    List<String> tags,
    String characterVersion,
    ObjectNode extensions,
    ObjectNode cardFields) {
  public Persona {
    if (name == null || name.isBlank()) {
      throw new IllegalStateException("a persona needs a name");
    }
    nickname = nickname.filter(n -> !n.isEmpty());
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(selfKnowledge, "selfKnowledge");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(personality, "personality");
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(systemPrompt, "systemPrompt");
    Objects.requireNonNull(postHistoryInstructions, "postHistoryInstructions");
    Objects.requireNonNull(creator, "creator");
    Objects.requireNonNull(creatorNotes, "creatorNotes");
    Objects.requireNonNull(characterVersion, "characterVersion");
    Objects.requireNonNull(voice, "voice");
    Objects.requireNonNull(lorebook, "lorebook");
    traits = List.copyOf(traits);
    values = List.copyOf(values);
    boundaries = List.copyOf(boundaries);
    greetings = List.copyOf(greetings);
    exampleDialogues = List.copyOf(exampleDialogues);
    tags = List.copyOf(tags);
    extensions = extensions == null ? JsonNodeFactory.instance.objectNode() : extensions.deepCopy();
    cardFields = cardFields == null ? JsonNodeFactory.instance.objectNode() : cardFields.deepCopy();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this persona's values, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The name {@code {{char}}} stands for: the nickname when set, else the name. */
  public String charName() {
    return nickname.orElse(name);
  }

  /**
   * Replaces {@code {{char}}} (with {@link #charName()}), {@code {{user}}} and {@code {{original}}} in
   * {@code text}, case-insensitively; any other macro is left as it is, with a warning.
   *
   * @param original what {@code {{original}}} stands for; null leaves {@code {{original}}} untouched
   */
  public String resolvePlaceholders(String text, String userName, String original) {
    return Placeholders.resolve(text, charName(), userName, original);
  }

  /** Card extensions (a copy; changing it changes nothing here). */
  @Override
  public ObjectNode extensions() {
    return extensions.deepCopy();
  }

  /** Card fields with no persona slot (a copy; changing it changes nothing here). */
  @Override
  public ObjectNode cardFields() {
    return cardFields.deepCopy();
  }

  @Override
  public String toString() {
    return "Persona{" + name + nickname.map(n -> " (" + n + ")").orElse("") + "}";
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

    private Builder(Persona p) {
      name = p.name;
      nickname = p.nickname.orElse(null);
      identity = p.identity;
      selfKnowledge = p.selfKnowledge;
      description = p.description;
      personality = p.personality;
      traits = p.traits;
      voice = p.voice;
      values = p.values;
      boundaries = p.boundaries;
      scenario = p.scenario;
      greetings = p.greetings;
      exampleDialogues = p.exampleDialogues;
      systemPrompt = p.systemPrompt;
      postHistoryInstructions = p.postHistoryInstructions;
      lorebook = p.lorebook.orElse(null);
      creator = p.creator;
      creatorNotes = p.creatorNotes;
      tags = p.tags;
      characterVersion = p.characterVersion;
      extensions = p.extensions;
      cardFields = p.cardFields;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Sets the nickname; null or empty clears it. */
    public Builder nickname(String nickname) {
      this.nickname = nickname;
      return this;
    }

    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    public Builder selfKnowledge(String selfKnowledge) {
      this.selfKnowledge = selfKnowledge;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder personality(String personality) {
      this.personality = personality;
      return this;
    }

    public Builder traits(List<Trait> traits) {
      this.traits = traits;
      return this;
    }

    public Builder voice(Voice voice) {
      this.voice = voice;
      return this;
    }

    public Builder values(List<String> values) {
      this.values = values;
      return this;
    }

    public Builder boundaries(List<Boundary> boundaries) {
      this.boundaries = boundaries;
      return this;
    }

    public Builder scenario(String scenario) {
      this.scenario = scenario;
      return this;
    }

    public Builder greetings(List<String> greetings) {
      this.greetings = greetings;
      return this;
    }

    public Builder exampleDialogues(List<ExampleDialogue> exampleDialogues) {
      this.exampleDialogues = exampleDialogues;
      return this;
    }

    public Builder systemPrompt(String systemPrompt) {
      this.systemPrompt = systemPrompt;
      return this;
    }

    public Builder postHistoryInstructions(String postHistoryInstructions) {
      this.postHistoryInstructions = postHistoryInstructions;
      return this;
    }

    /** Sets the lorebook; null removes it. */
    public Builder lorebook(Lorebook lorebook) {
      this.lorebook = lorebook;
      return this;
    }

    public Builder creator(String creator) {
      this.creator = creator;
      return this;
    }

    public Builder creatorNotes(String creatorNotes) {
      this.creatorNotes = creatorNotes;
      return this;
    }

    public Builder tags(List<String> tags) {
      this.tags = tags;
      return this;
    }

    public Builder characterVersion(String characterVersion) {
      this.characterVersion = characterVersion;
      return this;
    }

    /** Card extensions; the tree is copied. */
    public Builder extensions(ObjectNode extensions) {
      this.extensions = Objects.requireNonNull(extensions, "extensions");
      return this;
    }

    /** Card fields with no persona slot (see {@link Persona#cardFields()}); the tree is copied. */
    public Builder cardFields(ObjectNode cardFields) {
      this.cardFields = Objects.requireNonNull(cardFields, "cardFields");
      return this;
    }

    /**
     * @throws IllegalStateException when the name is missing or blank
     * @throws NullPointerException when a text, list or the voice was set to null
     */
    public Persona build() {
      return new Persona(name, Optional.ofNullable(nickname), identity, selfKnowledge, description, personality, traits,
          voice, values, boundaries, scenario, greetings, exampleDialogues, systemPrompt, postHistoryInstructions,
          Optional.ofNullable(lorebook), creator, creatorNotes, tags, characterVersion, extensions, cardFields);
    }
  }
}
