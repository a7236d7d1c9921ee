package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps between JSON trees and persona values, by hand so that every error names its field. Used for
 * persona files (strict: unknown fields and unknown placeholders are errors) and for the parts of
 * Character Cards that share our shapes (lenient: unknown fields are kept).
 */
final class PersonaTrees {
  static final String SCHEMA_ID = "persona4j/v1";

  static final Set<String> PERSONA_FIELDS = Set.of(
      "schema", "name", "nickname", "identity", "self_knowledge", "description", "personality", "traits",
      "voice", "values", "boundaries", "scenario", "greetings", "example_dialogues", "system_prompt",
      "post_history_instructions", "lorebook", "creator", "creator_notes", "tags", "character_version",
      "extensions", "card_fields");
  static final Set<String> TRAIT_FIELDS = Set.of("name", "definition", "examples");
  static final Set<String> VOICE_FIELDS = Set.of("style", "vocabulary", "catchphrases", "avoid");
  static final Set<String> BOUNDARY_FIELDS = Set.of("topic", "response");
  static final Set<String> LINE_FIELDS = Set.of("role", "content");
  static final Set<String> LOREBOOK_FIELDS = Set.of(
      "name", "description", "scan_depth", "token_budget", "recursive_scanning", "extensions", "entries",
      "card_fields");
  static final Set<String> ENTRY_FIELDS = Set.of(
      "keys", "secondary_keys", "selective", "constant", "case_sensitive", "use_regex", "insertion_order",
      "priority", "position", "enabled", "comment", "content", "id", "name", "extensions", "card_fields");
  /** Lorebook fields of a card's {@code character_book}; the rest are kept as card fields. */
  static final Set<String> CARD_BOOK_FIELDS = Set.of(
      "name", "description", "scan_depth", "token_budget", "recursive_scanning", "extensions", "entries");
  static final Set<String> CARD_ENTRY_FIELDS = Set.of(
      "keys", "secondary_keys", "selective", "constant", "case_sensitive", "use_regex", "insertion_order",
      "priority", "position", "enabled", "comment", "content", "id", "name", "extensions");
  /** The structured fields a card has no slot for, kept in {@code extensions.persona4j}. */
  static final Set<String> CARD_EXTENSION_FIELDS = Set.of(
      "schema", "nickname", "identity", "self_knowledge", "description", "personality", "traits", "voice",
      "values", "boundaries");

  enum Mode {
    /** A persona file: strict. */
    FILE,
    /** Part of a character card: unknown fields kept, foreign placeholders allowed. */
    CARD
  }

  private PersonaTrees() {}

  // ---------------------------------------------------------------- reading

  static Persona readPersonaFile(LocatedTree tree) {
    Located root = tree.root().requireObject();
    root.allowOnly(PERSONA_FIELDS);
    Located schema = root.get("schema");
    if (!schema.present()) {
      throw schema.error("required field is missing (expected \"" + SCHEMA_ID + "\")");
    }
    if (!SCHEMA_ID.equals(schema.string())) {
      throw schema.error("unsupported schema \"" + schema.string() + "\" (expected \"" + SCHEMA_ID + "\")");
    }
    Located name = root.require("name");
    if (name.string().isBlank()) {
      throw name.error("must not be blank");
    }
    Persona.Builder b = Persona.builder().name(name.string());
    b.nickname(root.get("nickname").string(null));
    readStructured(root, b, Mode.FILE);
    b.scenario(text(root.get("scenario"), Mode.FILE, false));
    List<String> greetings = new ArrayList<>();
    for (Located g : root.get("greetings").elements()) {
      greetings.add(text(g, Mode.FILE, false));
    }
    b.greetings(greetings);
    b.exampleDialogues(readDialogues(root.get("example_dialogues")));
    b.systemPrompt(text(root.get("system_prompt"), Mode.FILE, true));
    b.postHistoryInstructions(text(root.get("post_history_instructions"), Mode.FILE, true));
    Located lore = root.get("lorebook");
    if (lore.present()) {
      b.lorebook(readLorebook(lore, Mode.FILE));
    }
    b.creator(root.get("creator").string(""));
    b.creatorNotes(root.get("creator_notes").string(""));
    b.tags(root.get("tags").stringList());
    b.characterVersion(root.get("character_version").string(""));
    ObjectNode ext = root.get("extensions").optObjectTree();
    if (ext != null) {
      b.extensions(ext);
    }
    ObjectNode cardFields = root.get("card_fields").optObjectTree();
    if (cardFields != null) {
      b.cardFields(cardFields);
    }
    return b.build();
  }

  /**
   * Reads the fields a card has no slot for (identity, self-knowledge, traits, voice, values, boundaries)
   * plus description and personality, from a persona file or a card's {@code extensions.persona4j}.
   */
  static void readStructured(Located root, Persona.Builder b, Mode mode) {
    b.identity(text(root.get("identity"), mode, false));
    b.selfKnowledge(text(root.get("self_knowledge"), mode, false));
    b.description(text(root.get("description"), mode, false));
    b.personality(text(root.get("personality"), mode, false));
    List<Trait> traits = new ArrayList<>();
    for (Located t : root.get("traits").elements()) {
      t.requireObject();
      if (mode == Mode.FILE) {
        t.allowOnly(TRAIT_FIELDS);
      }
      Located name = t.require("name");
      if (name.string().isBlank()) {
        throw name.error("must not be blank");
      }
      List<String> examples = new ArrayList<>();
      for (Located e : t.get("examples").elements()) {
        examples.add(text(e, mode, false));
      }
      traits.add(new Trait(text(name, mode, false), text(t.require("definition"), mode, false), examples));
    }
    b.traits(traits);
    Located voice = root.get("voice");
    if (voice.present()) {
      voice.requireObject();
      if (mode == Mode.FILE) {
        voice.allowOnly(VOICE_FIELDS);
      }
      b.voice(new Voice(
          text(voice.get("style"), mode, false),
          texts(voice.get("vocabulary"), mode),
          texts(voice.get("catchphrases"), mode),
          texts(voice.get("avoid"), mode)));
    }
    b.values(texts(root.get("values"), mode));
    List<Boundary> boundaries = new ArrayList<>();
    for (Located bd : root.get("boundaries").elements()) {
      bd.requireObject();
      if (mode == Mode.FILE) {
        bd.allowOnly(BOUNDARY_FIELDS);
      }
      Located topic = bd.require("topic");
      if (topic.string().isBlank()) {
        throw topic.error("must not be blank");
      }
      boundaries.add(new Boundary(text(topic, mode, false), text(bd.require("response"), mode, false)));
    }
    b.boundaries(boundaries);
  }

  private static List<ExampleDialogue> readDialogues(Located list) {
    List<ExampleDialogue> out = new ArrayList<>();
    for (Located exchange : list.elements()) {
      if (!exchange.present()) {
        throw exchange.error("expected a list of lines, found null");
      }
      List<Located> lines = exchange.elements();
      if (lines.isEmpty()) {
        throw exchange.error("an example dialogue needs at least one line");
      }
      List<DialogueLine> parsed = new ArrayList<>();
      for (Located line : lines) {
        line.requireObject();
        line.allowOnly(LINE_FIELDS);
        parsed.add(new DialogueLine(speaker(line.require("role")), text(line.require("content"), Mode.FILE, false)));
      }
      out.add(new ExampleDialogue(parsed));
    }
    return out;
  }

  /** The speaker a role names: {@code user} or {@code character} ({@code assistant} is accepted too). */
  static Speaker speaker(Located role) {
    String r = role.string();
    return switch (r.toLowerCase(Locale.ROOT)) {
      case "user" -> Speaker.USER;
      case "character", "assistant" -> Speaker.CHARACTER;
      default -> throw role.error("unknown role \"" + r + "\" (expected user or character)");
    };
  }

  static Lorebook readLorebook(Located book, Mode mode) {
    book.requireObject();
    if (mode == Mode.FILE) {
      book.allowOnly(LOREBOOK_FIELDS);
    }
    Lorebook.Builder b = Lorebook.builder();
    String name = book.get("name").string(null);
    if (name != null) {
      b.name(name);
    }
    String description = book.get("description").string(null);
    if (description != null) {
      b.description(description);
    }
    Integer scanDepth = book.get("scan_depth").optNonNegativeInt();
    if (scanDepth != null) {
      b.scanDepth(scanDepth);
    }
    Integer budget = book.get("token_budget").optNonNegativeInt();
    if (budget != null) {
      b.tokenBudget(budget);
    }
    Boolean recursive = book.get("recursive_scanning").optBool();
    if (recursive != null) {
      b.recursiveScanning(recursive);
    }
    ObjectNode ext = book.get("extensions").optObjectTree();
    if (ext != null && !ext.isEmpty()) {
      b.extensions(ext);
    }
    List<LoreEntry> entries = new ArrayList<>();
    for (Located e : book.get("entries").elements()) {
      entries.add(readEntry(e, mode));
    }
    b.entries(entries);
    if (mode == Mode.FILE) {
      ObjectNode cardFields = book.get("card_fields").optObjectTree();
      if (cardFields != null) {
        b.cardFields(cardFields);
      }
    } else {
      b.cardFields(book.unknownFields(CARD_BOOK_FIELDS));
    }
    return b.build();
  }

  private static LoreEntry readEntry(Located e, Mode mode) {
    e.requireObject();
    if (mode == Mode.FILE) {
      e.allowOnly(ENTRY_FIELDS);
    }
    LoreEntry.Builder b = LoreEntry.builder();
    ObjectNode cardFields = mode == Mode.CARD ? e.unknownFields(CARD_ENTRY_FIELDS) : e.get("card_fields").optObjectTree();
    Located keys = e.get("keys");
    b.keys(keys.stringList());
    List<String> secondary = e.get("secondary_keys").optStringList();
    if (secondary != null) {
      b.secondaryKeys(secondary);
    }
    Boolean selective = e.get("selective").optBool();
    if (selective != null) {
      b.selective(selective);
    }
    Boolean constant = e.get("constant").optBool();
    if (constant != null) {
      b.constant(constant);
    }
    if (mode == Mode.FILE) {
      List<Located> allKeys = new ArrayList<>(keys.elements());
      allKeys.addAll(e.get("secondary_keys").elements());
      for (Located k : allKeys) {
        if (k.string().isBlank()) {
          throw k.error("a key must not be blank");
        }
      }
      if (keys.stringList().isEmpty() && !Boolean.TRUE.equals(constant)) {
        throw keys.error(keys.present()
            ? "a lorebook entry needs at least one key unless it is constant"
            : "required field is missing (a lorebook entry needs keys unless it is constant)");
      }
    }
    Boolean caseSensitive = e.get("case_sensitive").optBool();
    if (caseSensitive != null) {
      b.caseSensitive(caseSensitive);
    }
    Boolean useRegex = e.get("use_regex").optBool();
    if (useRegex != null) {
      b.useRegex(useRegex);
    }
    Boolean enabled = e.get("enabled").optBool();
    if (enabled != null) {
      b.enabled(enabled);
    }
    Integer order = e.get("insertion_order").optInt();
    if (order != null) {
      b.insertionOrder(order);
    }
    Integer priority = e.get("priority").optInt();
    if (priority != null) {
      b.priority(priority);
    }
    Located position = e.get("position");
    if (position.present()) {
      if (position.node.isTextual() && LorePosition.fromLabel(position.node.textValue()).isPresent()) {
        b.position(LorePosition.fromLabel(position.node.textValue()).get());
      } else if (mode == Mode.CARD) {
        // Foreign tools use other position values; keep them verbatim for export.
        cardFields.set("position", position.node.deepCopy());
      } else {
        throw position.error("expected before_char or after_char, found "
            + (position.node.isTextual() ? "\"" + position.node.textValue() + "\"" : Located.describe(position.node)));
      }
    }
    String comment = e.get("comment").string(null);
    if (comment != null) {
      b.comment(comment);
    }
    String name = e.get("name").string(null);
    if (name != null) {
      b.name(name);
    }
    Located content = e.get("content");
    if (mode == Mode.FILE) {
      content = e.require("content");
    }
    b.content(content.present() ? text(content, mode, false) : "");
    Long id = e.get("id").optLong();
    if (id != null) {
      b.id(id);
    }
    ObjectNode ext = e.get("extensions").optObjectTree();
    if (ext != null && !ext.isEmpty()) {
      b.extensions(ext);
    }
    if (cardFields != null) {
      b.cardFields(cardFields);
    }
    if (Boolean.TRUE.equals(useRegex)) {
      List<Located> all = new ArrayList<>(keys.elements());
      all.addAll(e.get("secondary_keys").elements());
      for (Located k : all) {
        try {
          LoreMatcher.compileKey(k.string(), false);
        } catch (IllegalArgumentException ex) {
          throw k.error("invalid regular expression: " + ex.getMessage());
        }
      }
    }
    return b.build();
  }

  /** A prompt-bound text field: in persona files, only known placeholders are allowed. */
  static String text(Located field, Mode mode, boolean allowOriginal) {
    String s = field.string("");
    if (mode == Mode.FILE) {
      Placeholders.firstUnknown(s, allowOriginal).ifPresent(p -> {
        throw field.error("unknown placeholder " + p + " (allowed: {{char}}, {{user}}"
            + (allowOriginal ? ", {{original}}" : "") + ")");
      });
    }
    return s;
  }

  private static List<String> texts(Located list, Mode mode) {
    List<String> out = new ArrayList<>();
    for (Located e : list.elements()) {
      if (!e.present()) {
        throw e.error("expected a string, found null");
      }
      out.add(text(e, mode, false));
    }
    return out;
  }

  // ---------------------------------------------------------------- writing

  static ObjectNode writePersonaFile(Persona p) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("schema", SCHEMA_ID);
    o.put("name", p.name());
    p.nickname().ifPresent(n -> o.put("nickname", n));
    writeStructured(p, o, true);
    putText(o, "scenario", p.scenario());
    putStrings(o, "greetings", p.greetings());
    if (!p.exampleDialogues().isEmpty()) {
      ArrayNode dialogues = o.putArray("example_dialogues");
      for (ExampleDialogue d : p.exampleDialogues()) {
        ArrayNode lines = dialogues.addArray();
        for (DialogueLine l : d.lines()) {
          lines.addObject().put("role", l.speaker().label()).put("content", l.text());
        }
      }
    }
    putText(o, "system_prompt", p.systemPrompt());
    putText(o, "post_history_instructions", p.postHistoryInstructions());
    p.lorebook().ifPresent(book -> o.set("lorebook", writeLorebook(book, true, false)));
    putText(o, "creator", p.creator());
    putText(o, "creator_notes", p.creatorNotes());
    putStrings(o, "tags", p.tags());
    putText(o, "character_version", p.characterVersion());
    if (!p.extensions().isEmpty()) {
      o.set("extensions", p.extensions());
    }
    if (!p.cardFields().isEmpty()) {
      o.set("card_fields", p.cardFields());
    }
    return o;
  }

  /** Writes identity, self-knowledge, description, personality, traits, voice, values, boundaries. */
  static void writeStructured(Persona p, ObjectNode o, boolean withDescription) {
    putText(o, "identity", p.identity());
    putText(o, "self_knowledge", p.selfKnowledge());
    if (withDescription) {
      putText(o, "description", p.description());
      putText(o, "personality", p.personality());
    }
    if (!p.traits().isEmpty()) {
      ArrayNode traits = o.putArray("traits");
      for (Trait t : p.traits()) {
        ObjectNode to = traits.addObject().put("name", t.name()).put("definition", t.definition());
        putStrings(to, "examples", t.examples());
      }
    }
    Voice v = p.voice();
    if (!v.isEmpty()) {
      ObjectNode vo = o.putObject("voice");
      putText(vo, "style", v.style());
      putStrings(vo, "vocabulary", v.vocabulary());
      putStrings(vo, "catchphrases", v.catchphrases());
      putStrings(vo, "avoid", v.avoid());
    }
    putStrings(o, "values", p.values());
    if (!p.boundaries().isEmpty()) {
      ArrayNode bs = o.putArray("boundaries");
      for (Boundary b : p.boundaries()) {
        bs.addObject().put("topic", b.topic()).put("response", b.response());
      }
    }
  }

  /**
   * Writes a lorebook. For persona files ({@code forFile}) only the fields that were given, plus card
   * fields under {@code card_fields}; for cards, the fields the card spec requires always, and card fields
   * merged in ({@code v3} adds {@code use_regex}, which V3 requires).
   */
  static ObjectNode writeLorebook(Lorebook book, boolean forFile, boolean v3) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    if (book.name != null) {
      o.put("name", book.name);
    }
    if (book.description != null) {
      o.put("description", book.description);
    }
    if (book.scanDepth != null) {
      o.put("scan_depth", book.scanDepth);
    }
    if (book.tokenBudget != null) {
      o.put("token_budget", book.tokenBudget);
    }
    if (book.recursiveScanning != null) {
      o.put("recursive_scanning", book.recursiveScanning);
    }
    if (book.extensions != null || !forFile) {
      o.set("extensions", book.extensions());
    }
    ArrayNode entries = o.putArray("entries");
    for (LoreEntry e : book.entries) {
      entries.add(writeEntry(e, forFile, v3));
    }
    mergeCardFields(o, book.cardFields, forFile);
    return o;
  }

  private static ObjectNode writeEntry(LoreEntry e, boolean forFile, boolean v3) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    putStringsAlways(o, "keys", e.keys);
    if (e.secondaryKeys != null) {
      putStringsAlways(o, "secondary_keys", e.secondaryKeys);
    }
    if (e.selective != null) {
      o.put("selective", e.selective);
    }
    if (e.constant != null) {
      o.put("constant", e.constant);
    }
    if (e.caseSensitive != null) {
      o.put("case_sensitive", e.caseSensitive);
    }
    if (e.useRegex != null || (v3 && !forFile)) {
      o.put("use_regex", e.useRegex());
    }
    // V2 and V3 require enabled and insertion_order.
    if (e.insertionOrder != null || !forFile) {
      o.put("insertion_order", e.insertionOrder());
    }
    if (e.priority != null) {
      o.put("priority", e.priority);
    }
    if (e.position != null) {
      o.put("position", e.position.label());
    }
    if (e.enabled != null || !forFile) {
      o.put("enabled", e.enabled());
    }
    if (e.comment != null) {
      o.put("comment", e.comment);
    }
    o.put("content", e.content);
    if (e.id != null) {
      if (e.id == (int) (long) e.id) {
        o.put("id", (int) (long) e.id);
      } else {
        o.put("id", e.id);
      }
    }
    if (e.name != null) {
      o.put("name", e.name);
    }
    if (e.extensions != null || !forFile) {
      o.set("extensions", e.extensions());
    }
    mergeCardFields(o, e.cardFields, forFile);
    return o;
  }

  private static void mergeCardFields(ObjectNode o, ObjectNode cardFields, boolean forFile) {
    if (cardFields.isEmpty()) {
      return;
    }
    if (forFile) {
      o.set("card_fields", cardFields.deepCopy());
    } else {
      cardFields.fields().forEachRemaining(en -> o.set(en.getKey(), en.getValue().deepCopy()));
    }
  }

  private static void putText(ObjectNode o, String field, String value) {
    if (!value.isEmpty()) {
      o.put(field, value);
    }
  }

  private static void putStrings(ObjectNode o, String field, List<String> values) {
    if (!values.isEmpty()) {
      putStringsAlways(o, field, values);
    }
  }

  static void putStringsAlways(ObjectNode o, String field, List<String> values) {
    ArrayNode a = o.putArray(field);
    values.forEach(a::add);
  }
}
