package dev.persona4j.core.persona;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The shape of a persona file (schema {@code persona4j/v1}) as Jackson binds and writes it; the JSON
 * Schema has checked a document before it is bound, so binding only maps. Absent fields are null; an
 * empty field is left out when writing. A card's {@code extensions.persona4j} and {@code character_book}
 * are bound to the same shapes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record PersonaFile(
    String schema,
    String name,
    String nickname,
    String identity,
    String selfKnowledge,
    String description,
    String personality,
    List<TraitFile> traits,
    VoiceFile voice,
    List<String> values,
    List<BoundaryFile> boundaries,
    String scenario,
    List<String> greetings,
    List<List<Line>> exampleDialogues,
    String systemPrompt,
    String postHistoryInstructions,
    LorebookFile lorebook,
    String creator,
    String creatorNotes,
    List<String> tags,
    String characterVersion,
    ObjectNode extensions,
    ObjectNode cardFields) {
  static final String SCHEMA_ID = "persona4j/v1";

  /** A trait as written: {@code {name, definition, examples}}. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record TraitFile(String name, String definition, List<String> examples) {}

  /** The voice as written. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record VoiceFile(String style, List<String> vocabulary, List<String> catchphrases, List<String> avoid) {}

  /** A boundary as written: {@code {topic, response}}. */
  record BoundaryFile(String topic, String response) {}

  /** A line of an example dialogue or conversation: {@code {role: user|character|assistant, content}}. */
  record Line(String role, String content) {
    Turn toTurn() {
      return new Turn(role.toLowerCase(Locale.ROOT).equals("user") ? Speaker.USER : Speaker.CHARACTER, content);
    }

    static Line of(Turn turn) {
      return new Line(turn.speaker().label(), turn.text());
    }
  }

  /** A lorebook; the optional fields stay null when absent so a card written again has exactly its fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record LorebookFile(
      String name,
      String description,
      Integer scanDepth,
      Integer tokenBudget,
      Boolean recursiveScanning,
      ObjectNode extensions,
      List<EntryFile> entries,
      ObjectNode cardFields) {

    Lorebook toLorebook() {
      Lorebook.Builder b = Lorebook.builder();
      ifPresent(name, b::name);
      ifPresent(description, b::description);
      ifPresent(scanDepth, b::scanDepth);
      ifPresent(tokenBudget, b::tokenBudget);
      ifPresent(recursiveScanning, b::recursiveScanning);
      ifPresent(extensions, b::extensions);
      ifPresent(cardFields, b::cardFields);
      return b.entries(orEmpty(entries).stream().map(EntryFile::toEntry).toList()).build();
    }

    /** For cards, the fields the card spec requires are always written ({@code v3} adds {@code use_regex}). */
    static LorebookFile of(Lorebook book, boolean forCard, boolean v3) {
      return new LorebookFile(book.name, book.description, book.scanDepth, book.tokenBudget, book.recursiveScanning,
          book.extensions != null || forCard ? book.extensions() : null,
          book.entries.stream().map(e -> EntryFile.of(e, forCard, v3)).toList(),
          book.cardFields.isEmpty() ? null : book.cardFields);
    }
  }

  /** A lorebook entry; like {@link LorebookFile}, absent optional fields stay null. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record EntryFile(
      List<String> keys,
      List<String> secondaryKeys,
      Boolean selective,
      Boolean constant,
      Boolean caseSensitive,
      Boolean useRegex,
      Integer insertionOrder,
      Integer priority,
      String position,
      Boolean enabled,
      String comment,
      String content,
      Number id,
      String name,
      ObjectNode extensions,
      ObjectNode cardFields) {

    LoreEntry toEntry() {
      LoreEntry.Builder b = LoreEntry.builder().keys(orEmpty(keys)).content(content == null ? "" : content);
      ifPresent(secondaryKeys, b::secondaryKeys);
      ifPresent(selective, b::selective);
      ifPresent(constant, b::constant);
      ifPresent(caseSensitive, b::caseSensitive);
      ifPresent(useRegex, b::useRegex);
      ifPresent(insertionOrder, b::insertionOrder);
      ifPresent(priority, b::priority);
      ifPresent(position, p -> b.position(LorePosition.fromLabel(p).orElseThrow()));
      ifPresent(enabled, b::enabled);
      ifPresent(comment, b::comment);
      ifPresent(name, b::name);
      ifPresent(id, i -> b.id(i.longValue()));
      ifPresent(extensions, b::extensions);
      ifPresent(cardFields, b::cardFields);
      return b.build();
    }

    static EntryFile of(LoreEntry e, boolean forCard, boolean v3) {
      return new EntryFile(e.keys, e.secondaryKeys, e.selective, e.constant, e.caseSensitive,
          e.useRegex != null || (forCard && v3) ? e.useRegex() : null,
          e.insertionOrder != null || forCard ? e.insertionOrder() : null,
          e.priority, e.position == null ? null : e.position.label(),
          e.enabled != null || forCard ? e.enabled() : null,
          e.comment, e.content,
          // An id that fits an int is written as one, so a card read and written again is the same tree.
          e.id == null ? null : e.id == (int) (long) e.id ? (Number) (int) (long) e.id : e.id,
          e.name,
          e.extensions != null || forCard ? e.extensions() : null,
          e.cardFields.isEmpty() ? null : e.cardFields);
    }
  }

  // ---------------------------------------------------------------- to and from personas

  Persona toPersona() {
    Persona.Builder b = Persona.builder().name(name).nickname(nickname);
    readStructured(b);
    ifPresent(scenario, b::scenario);
    ifPresent(greetings, b::greetings);
    b.exampleDialogues(orEmpty(exampleDialogues).stream()
        .map(lines -> new ExampleDialogue(lines.stream().map(Line::toTurn).toList())).toList());
    ifPresent(systemPrompt, b::systemPrompt);
    ifPresent(postHistoryInstructions, b::postHistoryInstructions);
    ifPresent(lorebook, l -> b.lorebook(l.toLorebook()));
    ifPresent(creator, b::creator);
    ifPresent(creatorNotes, b::creatorNotes);
    ifPresent(tags, b::tags);
    ifPresent(characterVersion, b::characterVersion);
    ifPresent(extensions, b::extensions);
    ifPresent(cardFields, b::cardFields);
    return b.build();
  }

  /**
   * Sets the fields a card has no slot for (identity, self-knowledge, traits, voice, values, boundaries)
   * plus description and personality.
   */
  void readStructured(Persona.Builder b) {
    ifPresent(identity, b::identity);
    ifPresent(selfKnowledge, b::selfKnowledge);
    ifPresent(description, b::description);
    ifPresent(personality, b::personality);
    b.traits(orEmpty(traits).stream().map(t -> new Trait(t.name, t.definition, orEmpty(t.examples))).toList());
    ifPresent(voice, v -> b.voice(new Voice(v.style == null ? "" : v.style, orEmpty(v.vocabulary),
        orEmpty(v.catchphrases), orEmpty(v.avoid))));
    ifPresent(values, b::values);
    b.boundaries(orEmpty(boundaries).stream().map(x -> new Boundary(x.topic, x.response)).toList());
  }

  /** The persona as a persona file (empty fields are left out when written). */
  static PersonaFile of(Persona p) {
    return new PersonaFile(SCHEMA_ID, p.name(), p.nickname().orElse(null), p.identity(), p.selfKnowledge(),
        p.description(), p.personality(), traits(p), voice(p), p.values(), boundaries(p), p.scenario(), p.greetings(),
        p.exampleDialogues().stream().map(d -> d.lines().stream().map(Line::of).toList()).toList(), p.systemPrompt(),
        p.postHistoryInstructions(), p.lorebook().map(book -> LorebookFile.of(book, false, false)).orElse(null),
        p.creator(), p.creatorNotes(), p.tags(), p.characterVersion(), p.extensions(), p.cardFields());
  }

  /** The structured fields alone, as a card keeps them in {@code extensions.persona4j}. */
  static PersonaFile structured(Persona p, boolean withNickname) {
    return new PersonaFile(SCHEMA_ID, null, withNickname ? p.nickname().orElse(null) : null, p.identity(),
        p.selfKnowledge(), p.description(), p.personality(), traits(p), voice(p), p.values(), boundaries(p), null, null,
        null, null, null, null, null, null, null, null, null, null);
  }

  private static List<TraitFile> traits(Persona p) {
    return p.traits().stream().map(t -> new TraitFile(t.name(), t.definition(), t.examples())).toList();
  }

  private static VoiceFile voice(Persona p) {
    Voice v = p.voice();
    return v.isEmpty() ? null : new VoiceFile(v.style(), v.vocabulary(), v.catchphrases(), v.avoid());
  }

  private static List<BoundaryFile> boundaries(Persona p) {
    return p.boundaries().stream().map(b -> new BoundaryFile(b.topic(), b.response())).toList();
  }

  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <T> void ifPresent(T value, java.util.function.Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
