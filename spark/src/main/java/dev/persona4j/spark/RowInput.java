package dev.persona4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.persona.Speaker;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.internal.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * One row's persona text, conversation and seed, read on the task's thread. A conversation that cannot be
 * used is a {@link BatchInputException} naming the row's problem.
 *
 * @param persona the persona column's value as given (name, path or inline JSON)
 * @param conversation the turns and instructions to reply to
 * @param seed the row's seed, or one derived from its persona and conversation
 */
record RowInput(String persona, Conversation conversation, long seed) {

  /** A message's role and text, as the conversation column holds them. */
  record Message(String role, String content) {}

  /** Reads the row; {@code seedIndex} is -1 when the input has no seed column. */
  static RowInput read(Row row, int personaIndex, int conversationIndex, int seedIndex) {
    String persona = row.isNullAt(personaIndex) ? null : row.getString(personaIndex);
    if (persona == null || persona.isBlank()) {
      throw new BatchInputException("the persona is " + (persona == null ? "null" : "blank"));
    }
    List<Message> messages = messages(row, conversationIndex);
    Conversation conversation = conversation(messages);
    long seed = seedIndex < 0 || row.isNullAt(seedIndex) ? derivedSeed(persona, messages)
        : ((Number) row.get(seedIndex)).longValue();
    return new RowInput(persona, conversation, seed);
  }

  private static List<Message> messages(Row row, int index) {
    if (row.isNullAt(index)) {
      throw new BatchInputException("the conversation is null");
    }
    Object value = row.get(index);
    if (value instanceof String text) {
      return text.stripLeading().startsWith("[") ? fromJson(text) : List.of(new Message("user", text));
    }
    List<Message> messages = new ArrayList<>();
    List<Row> turns = row.getList(index);
    for (int i = 0; i < turns.size(); i++) {
      Row turn = turns.get(i);
      if (turn == null) {
        throw new BatchInputException("conversation message " + i + " is null");
      }
      messages.add(new Message(turn.getAs("role"), turn.getAs("content")));
    }
    return messages;
  }

  /** A string column holding a JSON array of role/content objects (a JSON file whose rows mix both forms). */
  private static List<Message> fromJson(String text) {
    JsonNode array;
    try {
      array = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new BatchInputException("the conversation starts with '[' but is not a JSON array of {role, content}: "
          + e.getOriginalMessage());
    }
    if (array == null || !array.isArray()) {
      throw new BatchInputException("the conversation starts with '[' but is not a JSON array of {role, content}");
    }
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode m = array.get(i);
      if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw new BatchInputException("conversation message " + i + " is not an object with string role and content");
      }
      messages.add(new Message(m.get("role").asText(), m.get("content").asText()));
    }
    return messages;
  }

  private static Conversation conversation(List<Message> messages) {
    List<Turn> turns = new ArrayList<>();
    StringBuilder instructions = new StringBuilder();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m.role() == null || m.content() == null) {
        throw new BatchInputException("conversation message " + i + " has no " + (m.role() == null ? "role" : "content"));
      }
      switch (m.role().toLowerCase(Locale.ROOT)) {
        case "user" -> turns.add(Turn.user(m.content()));
        case "assistant", "character" -> turns.add(Turn.character(m.content()));
        case "system", "developer" -> instructions.append(instructions.isEmpty() ? "" : "\n").append(m.content());
        default -> throw new BatchInputException("conversation message " + i + " has role '" + m.role()
            + "'; expected user, assistant or system");
      }
    }
    if (turns.isEmpty()) {
      throw new BatchInputException("the conversation has no user or assistant message: nothing to reply to");
    }
    if (turns.get(turns.size() - 1).speaker() == Speaker.CHARACTER) {
      throw new BatchInputException("the conversation ends with the assistant's message (message "
          + (messages.size() - 1) + "): the character would reply to itself");
    }
    Conversation conversation = Conversation.of(turns);
    return instructions.isEmpty() ? conversation : conversation.withInstructions(instructions.toString());
  }

  /** The first 8 bytes, big-endian, of SHA-256 over the persona and each message's role and content. */
  static long derivedSeed(String persona, List<Message> messages) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    update(sha, persona);
    for (Message m : messages) {
      update(sha, m.role() == null ? "" : m.role());
      update(sha, m.content() == null ? "" : m.content());
    }
    byte[] digest = sha.digest();
    long seed = 0;
    for (int i = 0; i < 8; i++) {
      seed = seed << 8 | (digest[i] & 0xff);
    }
    return seed;
  }

  /** Length-prefixed, so that no two different sequences of strings hash the same bytes. */
  private static void update(MessageDigest sha, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
        (byte) bytes.length});
    sha.update(bytes);
  }
}
