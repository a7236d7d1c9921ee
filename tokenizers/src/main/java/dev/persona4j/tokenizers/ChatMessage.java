package dev.persona4j.tokenizers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message of a conversation as chat templates see it: a role ("system", "user", "assistant", "tool",
 * ...), its text, and any further keys a template may read (e.g. {@code tool_calls}, {@code name}).
 *
 * @param role the speaker's role, as the template expects it
 * @param content the text; may be null for messages that carry only extra keys (e.g. tool calls)
 * @param extra further keys, in order; never "role" or "content"
 */
public record ChatMessage(String role, String content, Map<String, Object> extra) {
  public ChatMessage {
    if (role == null || role.isEmpty()) {
      throw new IllegalArgumentException("a chat message needs a role");
    }
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    if (extra.containsKey("role") || extra.containsKey("content")) {
      throw new IllegalArgumentException("extra keys must not repeat role or content");
    }
  }

  public ChatMessage(String role, String content) {
    this(role, content, Map.of());
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }

  /**
   * A message from a map as transformers takes it: {@code role} (required string), {@code content}
   * (string or absent/null) and any other keys, kept as extras.
   */
  public static ChatMessage fromMap(Map<String, ?> message) {
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    Object role = message.get("role");
    if (!(role instanceof String)) {
      throw new IllegalArgumentException("message.role must be a string, got " + role);
    }
    Object content = message.get("content");
    if (content != null && !(content instanceof String)) {
      throw new IllegalArgumentException("message.content must be a string or null; pass structured content"
          + " through ChatTemplate.render(List<Map<String, Object>>, ...)");
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    message.forEach((k, v) -> {
      if (!"role".equals(k) && !"content".equals(k)) {
        extra.put(k, v);
      }
    });
    return new ChatMessage((String) role, (String) content, extra);
  }

  /** The message as the template sees it: role, content, then the extra keys. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("role", role);
    map.put("content", content);
    map.putAll(extra);
    return map;
  }
}
