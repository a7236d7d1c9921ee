package dev.persona4j.training.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.persona.Boundary;
import dev.persona4j.core.persona.ExampleDialogue;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.PersonaFormatException;
import dev.persona4j.core.persona.Speaker;
import dev.persona4j.core.persona.Trait;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The bundled, model-independent texts of persona calibration, read from the resources beside this
 * class: {@code generic-replies.jsonl} (generic-assistant replies with the user message each answers),
 * {@code personas/*.yaml} (contrast personas, persona4j/v1) and {@code user-messages.txt} (everyday
 * user messages, by section). Each file's header comment documents its format.
 *
 * <p>Loading is strict, as a flaw in these texts would silently skew every calibrated head: an empty
 * file, a missing or blank field, an unknown field, a duplicate reply or message is a {@link
 * PersonaFormatException} naming the resource, the field and the line.
 *
 * <p>Immutable and thread-safe; {@link #bundled()} reads the resources once per JVM.
 */
final class ContrastBank {
  static final String RESOURCES = "/dev/persona4j/training/calibration/";
  static final String REPLIES = "generic-replies.jsonl";
  static final String USER_MESSAGES = "user-messages.txt";
  /** The contrast personas, in {@code personas/}; a class path cannot be listed, so they are named here. */
  static final List<String> PERSONA_FILES = List.of("teacher.yaml", "hacker.yaml", "poet.yaml",
      "blacksmith.yaml", "surfer.yaml", "stoic.yaml", "comedian.yaml", "butler.yaml");
  /** User messages that open a conversation; paired with a persona's greetings. */
  static final String GREETING = "greeting";
  /** User messages inviting the character to talk about itself; paired with its trait examples. */
  static final String OPENER = "opener";

  private static final Set<String> REPLY_FIELDS = Set.of("topic", "user", "reply");

  /**
   * A reply with the user message it answers.
   *
   * @param source where the reply comes from: a bank topic such as {@code cooking}, or for a persona's
   *     own text {@code greeting 1}, {@code trait blunt}, {@code boundary 2}, {@code example dialogue 3}
   * @param user the user message the reply follows
   * @param reply the reply
   */
  record Exchange(String source, String user, String reply) {
    Exchange {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(reply, "reply");
    }
  }

  private final List<Exchange> genericReplies;
  private final List<Persona> contrastPersonas;
  private final Map<String, List<String>> userMessages;

  ContrastBank(List<Exchange> genericReplies, List<Persona> contrastPersonas, Map<String, List<String>> userMessages) {
    this.genericReplies = List.copyOf(genericReplies);
    this.contrastPersonas = List.copyOf(contrastPersonas);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    userMessages.forEach((section, messages) -> copy.put(section, List.copyOf(messages)));
    this.userMessages = Collections.unmodifiableMap(copy);
    for (String needed : List.of(GREETING, OPENER)) {
      if (this.userMessages.getOrDefault(needed, List.of()).isEmpty()) {
        throw new PersonaFormatException(USER_MESSAGES, "[" + needed + "]", -1, -1,
            "the section is missing or empty; persona texts without a user message are paired with it");
      }
    }
  }

  /** Read on first use; not in a static initializer, so a broken resource is the typed error, every time. */
  private static ContrastBank bundled;

  /** The texts bundled with persona4j, read once. */
  static synchronized ContrastBank bundled() {
    if (bundled == null) {
      bundled = new ContrastBank(
          parseReplies(resource(REPLIES), REPLIES),
          PERSONA_FILES.stream()
              .map(f -> PersonaFiles.parse(resource("personas/" + f), PersonaFiles.Format.YAML, "personas/" + f))
              .toList(),
          parseUserMessages(resource(USER_MESSAGES), USER_MESSAGES));
    }
    return bundled;
  }

  /** Generic-assistant replies, each with its topic (as the source) and user message, in file order. */
  List<Exchange> genericReplies() {
    return genericReplies;
  }

  /** Personas whose voices differ from each other and from the example personas, in {@link #PERSONA_FILES} order. */
  List<Persona> contrastPersonas() {
    return contrastPersonas;
  }

  /** Every user message, in file order. */
  List<String> userMessages() {
    return userMessages.values().stream().flatMap(List::stream).toList();
  }

  /** The user messages of one section (empty when there is no such section), in file order. */
  List<String> userMessages(String section) {
    return userMessages.getOrDefault(section, List.of());
  }

  /**
   * A persona's own in-voice texts as (user message, reply) pairs, placeholders resolved: each
   * character line of its example dialogues after the user line before it, then its greetings, its
   * trait examples and its boundary responses. Texts that answer no user message are paired with a
   * fitting one, in turn, so the same persona always gets the same pairs: a greeting (or a dialogue
   * that opens with the character) with a {@code [greeting]} message, a trait example with an
   * {@code [opener]} message, and a boundary response with a request for its topic ("Can you help me
   * with medical advice?").
   *
   * @param userName what {@code {{user}}} stands for, as in the prompt the texts are placed after
   */
  List<Exchange> inVoice(Persona persona, String userName) {
    Objects.requireNonNull(persona, "persona");
    Objects.requireNonNull(userName, "userName");
    List<Exchange> out = new ArrayList<>();
    List<String> greetings = userMessages(GREETING);
    List<String> openers = userMessages(OPENER);
    int nextGreeting = 0;
    int nextOpener = 0;
    for (int d = 0; d < persona.exampleDialogues().size(); d++) {
      ExampleDialogue dialogue = persona.exampleDialogues().get(d);
      String user = null;
      for (Turn turn : dialogue.lines()) {
        String text = persona.resolvePlaceholders(turn.text(), userName, "").strip();
        if (turn.speaker() == Speaker.USER) {
          user = text;
        } else if (!text.isEmpty()) {
          if (user == null) {
            user = greetings.get(nextGreeting++ % greetings.size());
          }
          out.add(new Exchange("example dialogue " + (d + 1), user, text));
        }
      }
    }
    for (int g = 0; g < persona.greetings().size(); g++) {
      String text = persona.resolvePlaceholders(persona.greetings().get(g), userName, "").strip();
      if (!text.isEmpty()) {
        out.add(new Exchange("greeting " + (g + 1), greetings.get(nextGreeting++ % greetings.size()), text));
      }
    }
    for (Trait trait : persona.traits()) {
      for (String example : trait.examples()) {
        String text = persona.resolvePlaceholders(example, userName, "").strip();
        if (!text.isEmpty()) {
          out.add(new Exchange("trait " + trait.name(), openers.get(nextOpener++ % openers.size()), text));
        }
      }
    }
    for (int b = 0; b < persona.boundaries().size(); b++) {
      Boundary boundary = persona.boundaries().get(b);
      String text = persona.resolvePlaceholders(boundary.response(), userName, "").strip();
      if (!text.isEmpty()) {
        out.add(new Exchange("boundary " + (b + 1), "Can you help me with " + boundary.topic().strip() + "?", text));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Parses a reply bank: one JSON object per line with the non-blank string fields {@code topic},
   * {@code user} and {@code reply} and no others; blank lines and lines starting with {@code #} are
   * ignored. Replies must be unique.
   *
   * @param source the file name errors name
   * @throws PersonaFormatException naming the source, the field and the 1-based line at fault
   */
  static List<Exchange> parseReplies(String text, String source) {
    List<Exchange> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Line l : contentLines(text)) {
      int line = l.number();
      String raw = l.text();
      JsonNode node;
      try {
        node = Json.mapper().readTree(raw);
      } catch (JsonProcessingException e) {
        throw new PersonaFormatException(source, "", line, -1, "not a JSON object: " + e.getOriginalMessage(), e);
      }
      if (!node.isObject()) {
        throw new PersonaFormatException(source, "", line, -1, "not a JSON object");
      }
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!REPLY_FIELDS.contains(name)) {
          throw new PersonaFormatException(source, name, line, -1, "unknown field (expected topic, user, reply)");
        }
      }
      Exchange exchange = new Exchange(field(node, "topic", source, line), field(node, "user", source, line),
          field(node, "reply", source, line));
      Integer first = seen.putIfAbsent(exchange.reply(), line);
      if (first != null) {
        throw new PersonaFormatException(source, "reply", line, -1, "duplicate of the reply on line " + first);
      }
      out.add(exchange);
    }
    if (out.isEmpty()) {
      throw new PersonaFormatException(source, "", -1, -1, "no replies");
    }
    return List.copyOf(out);
  }

  /** A line of a bundled text file: its 1-based number and its text, stripped. */
  private record Line(int number, String text) {}

  /** The lines that carry content: blank lines and {@code #} comments dropped. */
  private static List<Line> contentLines(String text) {
    List<Line> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String stripped = lines[i].strip();
      if (!stripped.isEmpty() && !stripped.startsWith("#")) {
        out.add(new Line(i + 1, stripped));
      }
    }
    return out;
  }

  private static String field(JsonNode node, String name, String source, int line) {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new PersonaFormatException(source, name, line, -1,
          value == null ? "missing" : "must be a non-blank string, got " + value);
    }
    return value.asText().strip();
  }

  /**
   * Parses user messages: UTF-8 text, one message per line under a {@code [section]} header; blank
   * lines and lines starting with {@code #} are ignored. Messages must be unique across sections and
   * every section must have one.
   *
   * @param source the file name errors name
   * @return the messages by section, sections and messages in file order
   * @throws PersonaFormatException naming the source, the section and the 1-based line at fault
   */
  static Map<String, List<String>> parseUserMessages(String text, String source) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    String section = null;
    int sectionLine = 0;
    for (Line l : contentLines(text)) {
      int line = l.number();
      String raw = l.text();
      if (raw.startsWith("[")) {
        if (!raw.endsWith("]") || raw.length() < 3) {
          throw new PersonaFormatException(source, raw, line, -1, "a section header is a name in square brackets");
        }
        requireMessages(out, section, source, sectionLine);
        section = raw.substring(1, raw.length() - 1).strip();
        sectionLine = line;
        if (out.putIfAbsent(section, new ArrayList<>()) != null) {
          throw new PersonaFormatException(source, "[" + section + "]", line, -1, "duplicate section");
        }
        continue;
      }
      if (section == null) {
        throw new PersonaFormatException(source, "", line, -1, "a message before the first [section] header");
      }
      Integer first = seen.putIfAbsent(raw, line);
      if (first != null) {
        throw new PersonaFormatException(source, "[" + section + "]", line, -1, "duplicate of the message on line " + first);
      }
      out.get(section).add(raw);
    }
    if (out.isEmpty()) {
      throw new PersonaFormatException(source, "", -1, -1, "no user messages");
    }
    requireMessages(out, section, source, sectionLine);
    return out;
  }

  private static void requireMessages(Map<String, List<String>> sections, String section, String source, int line) {
    if (section != null && sections.get(section).isEmpty()) {
      throw new PersonaFormatException(source, "[" + section + "]", line, -1, "a section without messages");
    }
  }

  private static String resource(String name) {
    try (InputStream in = ContrastBank.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new PersonaFormatException(RESOURCES + name, "", -1, -1, "bundled resource missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PersonaFormatException(RESOURCES + name, "", -1, -1, "cannot read the bundled resource: " + e.getMessage(), e);
    }
  }
}
