package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports and exports Character Cards: V2 ({@code chara_card_v2}) and V3 ({@code chara_card_v3}) JSON,
 * V1 flat JSON (import only), and PNG images carrying the card in a {@code tEXt} chunk ({@code ccv3}
 * preferred over {@code chara}).
 *
 * <p>Every card field maps to a persona field, or is kept in {@link Persona#cardFields()} (unknown fields
 * at every level too), so a card read and written again in the same version is the same JSON tree. A
 * persona's structured fields that cards have no slot for (identity, self-knowledge, traits, voice, values,
 * boundaries; the nickname in V2) are rendered into the card's {@code description} and
 * {@code personality} text and also kept in {@code extensions.persona4j}, from which they are read back
 * as long as that text has not been edited elsewhere. A foreign card's text is taken as it is.
 */
public final class CharacterCards {
  private static final Logger LOG = LoggerFactory.getLogger(CharacterCards.class);

  /** Card versions. */
  public enum Spec {
    /** Flat JSON with no {@code spec} (import only). */
    V1(null, null),
    V2("chara_card_v2", "2.0"),
    V3("chara_card_v3", "3.0");

    private final String id;
    private final String version;

    Spec(String id, String version) {
      this.id = id;
      this.version = version;
    }

    /** The {@code spec} value, e.g. {@code chara_card_v2}; null for V1. */
    public String id() {
      return id;
    }
  }

  static final String EXTENSION_KEY = "persona4j";
  private static final Set<String> ENVELOPE_FIELDS = Set.of("spec", "spec_version", "data");
  private static final Set<String> V1_FIELDS =
      Set.of("name", "description", "personality", "scenario", "first_mes", "mes_example");
  private static final Set<String> V2_DATA_FIELDS = Set.of(
      "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes",
      "system_prompt", "post_history_instructions", "alternate_greetings", "character_book", "tags", "creator",
      "character_version", "extensions");
  private static final Set<String> V3_DATA_FIELDS;

  static {
    Set<String> v3 = new java.util.HashSet<>(V2_DATA_FIELDS);
    v3.add("nickname");
    V3_DATA_FIELDS = Set.copyOf(v3);
  }

  /** Card fields persona4j reads; the schema has checked their types, and unknown ones are kept aside. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  private record CardData(
      String name,
      String nickname,
      String description,
      String personality,
      String scenario,
      String firstMes,
      String mesExample,
      String creatorNotes,
      String systemPrompt,
      String postHistoryInstructions,
      List<String> alternateGreetings,
      PersonaFile.LorebookFile characterBook,
      List<String> tags,
      String creator,
      String characterVersion,
      ObjectNode extensions) {}

  private static final Set<String> V1_READ_FIELDS = Set.of(
      "name", "description", "personality", "scenario", "first_mes", "mes_example", "alternate_greetings");
  /** Lorebook fields of a card's {@code character_book}; the rest are kept as card fields. */
  private static final Set<String> BOOK_FIELDS = Set.of(
      "name", "description", "scan_depth", "token_budget", "recursive_scanning", "extensions", "entries");
  private static final Set<String> ENTRY_FIELDS = Set.of(
      "keys", "secondary_keys", "selective", "constant", "case_sensitive", "use_regex", "insertion_order",
      "priority", "position", "enabled", "comment", "content", "id", "name", "extensions");
  private static final ObjectReader CARD_READER = Json.mapper().readerFor(CardData.class);
  /** {@code extensions.persona4j} may carry fields of later versions: ignore what is not known. */
  private static final ObjectReader STRUCTURED_READER = Json.mapper().readerFor(PersonaFile.class)
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private CharacterCards() {}

  // ---------------------------------------------------------------- import

  /**
   * Reads a card file: a PNG (by its signature) or card JSON.
   *
   * @throws PersonaFormatException when the file is not a readable card
   */
  public static Persona read(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes = PersonaFiles.readBytes(file, PersonaFiles.CARD_IMAGE_LIMIT, PersonaFiles.CARD_IMAGE_LIMIT_DEFAULT);
    if (PngCards.isPng(bytes)) {
      return fromPng(bytes, file.toString());
    }
    PersonaFiles.checkTextSize(file.toString(), bytes.length);
    return parseJson(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  /** Reads card JSON (V1, V2 or V3); errors name {@code source}. */
  public static Persona parseJson(String json, String source) {
    Objects.requireNonNull(json, "json");
    String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
    return fromDocument(PersonaDocument.parse(text, Json.mapper(), source));
  }

  /** Reads the card embedded in PNG bytes ({@code ccv3} chunk preferred over {@code chara}). */
  public static Persona fromPng(byte[] png, String source) {
    Map<String, String> texts = PngCards.cardTexts(PngCards.chunks(png, source), source);
    String key = texts.containsKey(PngCards.CCV3) ? PngCards.CCV3 : PngCards.CHARA;
    String text = texts.get(key);
    if (text == null) {
      throw new PersonaFormatException(source, "", -1, -1,
          "no character card in this PNG (no tEXt chunk keyed 'ccv3' or 'chara')");
    }
    String where = "tEXt[" + key + "]";
    String json = PngCards.decodeCardText(text, source, where);
    PersonaFiles.checkTextSize(source + " (" + where + ", decoded)", json.length());
    return fromDocument(PersonaDocument.parse(json, Json.mapper(), source + " (" + where + ", decoded)"));
  }

  /** The version of a card tree. */
  public static Spec specOf(JsonNode card) {
    JsonNode spec = card.get("spec");
    if (spec == null || spec.isNull()) {
      return Spec.V1;
    }
    for (Spec s : Spec.values()) {
      if (s.id != null && s.id.equals(spec.asText())) {
        return s;
      }
    }
    throw new PersonaFormatException("<tree>", "spec", -1, -1, "unsupported card spec " + spec);
  }

  /** Reads a card document. */
  static Persona fromDocument(PersonaDocument doc) {
    PersonaSchema.CHARACTER_CARD.check(doc);
    ObjectNode root = (ObjectNode) doc.root();
    Spec spec = root.path("spec").isTextual() ? specOf(root) : Spec.V1;
    List<String> at = spec == Spec.V1 ? List.of() : List.of("data");
    JsonNode data = doc.nodeAt(at);
    ObjectNode cardFields = unknownFields(root, spec == Spec.V1 ? V1_FIELDS : ENVELOPE_FIELDS);
    ObjectNode dataFields = null;
    if (spec != Spec.V1) {
      dataFields = unknownFields(data, spec == Spec.V3 ? V3_DATA_FIELDS : V2_DATA_FIELDS);
      if (spec == Spec.V3 && dataFields.path("group_only_greetings").isArray()
          && dataFields.get("group_only_greetings").isEmpty()) {
        // V3 requires the field; an empty one is what export writes anyway.
        dataFields.remove("group_only_greetings");
      }
    }
    ObjectNode known = knownFields(data,
        spec == Spec.V1 ? V1_READ_FIELDS : spec == Spec.V3 ? V3_DATA_FIELDS : V2_DATA_FIELDS);
    if (known.has("character_book")) {
      known.set("character_book", bookInFileShape(known.get("character_book")));
    }
    CardData card = doc.bind(at, known, CARD_READER);

    String description = orEmpty(card.description);
    String personality = orEmpty(card.personality);
    Persona.Builder b = Persona.builder()
        .name(card.name)
        .description(description)
        .personality(personality)
        .scenario(orEmpty(card.scenario));
    if (spec == Spec.V3) {
      b.nickname(card.nickname);
    }
    String firstMessage = orEmpty(card.firstMes);
    List<String> alternates = PersonaFile.orEmpty(card.alternateGreetings);
    List<String> greetings = new ArrayList<>();
    if (!firstMessage.isEmpty() || !alternates.isEmpty()) {
      greetings.add(firstMessage);
      greetings.addAll(alternates);
    }
    b.greetings(greetings);

    if (spec != Spec.V1) {
      b.creatorNotes(orEmpty(card.creatorNotes))
          .systemPrompt(orEmpty(card.systemPrompt))
          .postHistoryInstructions(orEmpty(card.postHistoryInstructions))
          .tags(PersonaFile.orEmpty(card.tags))
          .creator(orEmpty(card.creator))
          .characterVersion(orEmpty(card.characterVersion));
      if (card.characterBook != null) {
        PersonaFiles.checkRegexKeys(doc, card.characterBook.entries(), List.of("data", "character_book"));
        b.lorebook(card.characterBook.toLorebook());
      }
      if (card.extensions != null) {
        ObjectNode extensions = card.extensions.deepCopy();
        List<String> structuredAt = List.of("data", "extensions", EXTENSION_KEY);
        if (extensions.path(EXTENSION_KEY).isObject()
            && readStructured(doc, structuredAt, b, description, personality, spec)) {
          extensions.remove(EXTENSION_KEY);
        }
        b.extensions(extensions);
      }
    }

    String nickname = b.build().nickname().orElse(null);
    String mesExample = orEmpty(card.mesExample);
    List<ExampleDialogue> dialogues = MesExample.parse(mesExample, card.name, nickname);
    b.exampleDialogues(dialogues);
    if (!MesExample.render(dialogues).equals(mesExample)) {
      // Keep the card's own text so it is written back byte for byte while the dialogues are unchanged.
      if (dataFields == null) {
        dataFields = Json.mapper().createObjectNode();
      }
      dataFields.put("mes_example", mesExample);
    }
    if (dataFields != null && !dataFields.isEmpty()) {
      cardFields.set("data", dataFields);
    }
    b.cardFields(cardFields);
    return b.build();
  }

  /**
   * A card's {@code character_book} in the persona-file shape: unknown fields, and positions other tools
   * use that persona4j has no value for, go to {@code card_fields} so export writes them back.
   */
  private static ObjectNode bookInFileShape(JsonNode book) {
    ObjectNode out = knownFields(book, BOOK_FIELDS);
    ArrayNode entries = out.putArray("entries");
    for (JsonNode e : book.path("entries")) {
      ObjectNode entry = knownFields(e, ENTRY_FIELDS);
      ObjectNode extra = unknownFields(e, ENTRY_FIELDS);
      JsonNode position = entry.remove("position");
      if (position != null && LorePosition.fromLabel(position.asText()).isPresent() && position.isTextual()) {
        entry.set("position", position);
      } else if (position != null) {
        extra.set("position", position.deepCopy());
      }
      entry.set("card_fields", extra);
      entries.add(entry);
    }
    out.set("card_fields", unknownFields(book, BOOK_FIELDS));
    return out;
  }

  /** The fields in {@code known} that are not null (null counts as absent), shared with {@code node}. */
  private static ObjectNode knownFields(JsonNode node, Set<String> known) {
    ObjectNode out = Json.mapper().createObjectNode();
    node.fields().forEachRemaining(f -> {
      if (known.contains(f.getKey()) && !f.getValue().isNull()) {
        out.set(f.getKey(), f.getValue());
      }
    });
    return out;
  }

  /** Copies of the fields not in {@code known}, in document order. */
  private static ObjectNode unknownFields(JsonNode node, Set<String> known) {
    ObjectNode out = Json.mapper().createObjectNode();
    node.fields().forEachRemaining(f -> {
      if (!known.contains(f.getKey())) {
        out.set(f.getKey(), f.getValue().deepCopy());
      }
    });
    return out;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * Takes the structured fields from {@code extensions.persona4j} when the card's description and
   * personality are still exactly what they render to; otherwise the card was edited elsewhere and its
   * text wins (the extension then stays among the extensions, untouched).
   */
  private static boolean readStructured(PersonaDocument doc, List<String> at, Persona.Builder target,
      String description, String personality, Spec spec) {
    PersonaFile ext = doc.bind(at, STRUCTURED_READER);
    Persona.Builder sb = Persona.builder().name("structured");
    ext.readStructured(sb);
    Persona s = sb.build();
    if (!CardText.description(s).equals(description) || !CardText.personality(s).equals(personality)) {
      LOG.warn("{}: {}: the card's description or personality was edited after export; using the card's text "
          + "and leaving the structured fields in extensions", doc.source(), PersonaDocument.path(at));
      return false;
    }
    target.identity(s.identity()).selfKnowledge(s.selfKnowledge()).description(s.description())
        .personality(s.personality()).traits(s.traits()).voice(s.voice()).values(s.values())
        .boundaries(s.boundaries());
    if (ext.nickname() != null && (spec != Spec.V3 || target.build().nickname().isEmpty())) {
      target.nickname(ext.nickname());
    }
    return true;
  }

  // ---------------------------------------------------------------- export

  /** The persona as a V2 or V3 card tree. */
  public static ObjectNode toTree(Persona persona, Spec spec) {
    Objects.requireNonNull(persona, "persona");
    if (spec != Spec.V2 && spec != Spec.V3) {
      throw new IllegalArgumentException("cards are written as V2 or V3, not " + spec);
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode cardFields = persona.cardFields();
    ObjectNode extraData = cardFields.has("data") && cardFields.get("data").isObject()
        ? (ObjectNode) cardFields.remove("data") : f.objectNode();
    JsonNode rawMesExample = extraData.remove("mes_example");

    boolean structured = hasStructure(persona, spec);
    ObjectNode data = f.objectNode();
    data.put("name", persona.name());
    data.put("description", structured ? CardText.description(persona) : persona.description());
    data.put("personality", structured ? CardText.personality(persona) : persona.personality());
    data.put("scenario", persona.scenario());
    List<String> greetings = persona.greetings();
    data.put("first_mes", greetings.isEmpty() ? "" : greetings.get(0));
    data.put("mes_example", mesExample(persona, rawMesExample));
    data.put("creator_notes", persona.creatorNotes());
    data.put("system_prompt", persona.systemPrompt());
    data.put("post_history_instructions", persona.postHistoryInstructions());
    data.set("alternate_greetings", Json.mapper().valueToTree(
        greetings.isEmpty() ? List.of() : greetings.subList(1, greetings.size())));
    persona.lorebook().ifPresent(book -> data.set("character_book", bookInCardShape(book, spec == Spec.V3)));
    data.set("tags", Json.mapper().valueToTree(persona.tags()));
    data.put("creator", persona.creator());
    data.put("character_version", persona.characterVersion());
    ObjectNode extensions = persona.extensions();
    if (structured) {
      extensions.set(EXTENSION_KEY, Json.mapper().valueToTree(PersonaFile.structured(persona, spec == Spec.V2)));
    }
    data.set("extensions", extensions);
    if (spec == Spec.V3) {
      persona.nickname().ifPresent(n -> data.put("nickname", n));
      if (!extraData.has("group_only_greetings")) {
        data.set("group_only_greetings", f.arrayNode());
      }
    }
    extraData.fields().forEachRemaining(e -> {
      if (!data.has(e.getKey())) {
        data.set(e.getKey(), e.getValue());
      }
    });

    ObjectNode card = f.objectNode();
    card.put("spec", spec.id);
    card.put("spec_version", spec.version);
    card.set("data", data);
    cardFields.fields().forEachRemaining(e -> {
      if (ENVELOPE_FIELDS.contains(e.getKey())) {
        return;
      }
      // Tools that write V1 fields beside data mirror data's values: keep them in step.
      card.set(e.getKey(), V1_FIELDS.contains(e.getKey()) && data.has(e.getKey()) ? data.get(e.getKey()).deepCopy() : e.getValue());
    });
    return card;
  }

  /** A lorebook as a card writes it: the fields the spec requires always, card fields back in place. */
  private static ObjectNode bookInCardShape(Lorebook book, boolean v3) {
    ObjectNode out = Json.mapper().valueToTree(PersonaFile.LorebookFile.of(book, true, v3));
    out.get("entries").forEach(e -> mergeCardFields((ObjectNode) e));
    mergeCardFields(out);
    return out;
  }

  private static void mergeCardFields(ObjectNode o) {
    JsonNode cardFields = o.remove("card_fields");
    if (cardFields != null) {
      cardFields.fields().forEachRemaining(f -> o.set(f.getKey(), f.getValue()));
    }
  }

  private static boolean hasStructure(Persona p, Spec spec) {
    return !p.identity().isEmpty() || !p.selfKnowledge().isEmpty() || !p.traits().isEmpty()
        || !p.voice().isEmpty() || !p.values().isEmpty() || !p.boundaries().isEmpty()
        || (spec == Spec.V2 && p.nickname().isPresent());
  }

  private static String mesExample(Persona p, JsonNode raw) {
    if (raw != null && raw.isTextual()
        && MesExample.parse(raw.textValue(), p.name(), p.nickname().orElse(null)).equals(p.exampleDialogues())) {
      return raw.textValue();
    }
    return MesExample.render(p.exampleDialogues());
  }

  /** The persona as card JSON (pretty-printed). */
  public static String toJson(Persona persona, Spec spec) {
    try {
      return Json.pretty().writeValueAsString(toTree(persona, spec));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes card JSON; the file is replaced atomically. */
  public static void writeJson(Persona persona, Spec spec, Path file) {
    PersonaFiles.writeAtomically(file, toJson(persona, spec).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The PNG image with the persona embedded as a card: a {@code chara} chunk holding the V2 card and a
   * {@code ccv3} chunk holding the V3 card, inserted before IEND; existing card chunks are replaced.
   *
   * @throws PersonaFormatException when {@code image} is not a valid PNG
   */
  public static byte[] toPng(Persona persona, byte[] image, String imageSource) {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put(PngCards.CHARA, base64(toTree(persona, Spec.V2)));
    texts.put(PngCards.CCV3, base64(toTree(persona, Spec.V3)));
    return PngCards.withCardTexts(image, imageSource, texts);
  }

  /** Writes {@code image} with the persona embedded (see {@link #toPng}) to {@code target}. */
  public static void writePng(Persona persona, Path image, Path target) {
    byte[] png = PersonaFiles.readBytes(image, PersonaFiles.CARD_IMAGE_LIMIT, PersonaFiles.CARD_IMAGE_LIMIT_DEFAULT);
    PersonaFiles.writeAtomically(target, toPng(persona, png, image.toString()));
  }

  private static String base64(ObjectNode card) {
    try {
      return Base64.getEncoder().encodeToString(Json.mapper().writeValueAsBytes(card));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
