package dev.persona4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chat-completions request, checked field by field: every fault is a 400 naming the field
 * ({@code param}) in OpenAI's error shape. Fields OpenAI defines that change nothing here (e.g. {@code
 * logit_bias}, {@code response_format} text) are ignored, as OpenAI-compatible servers do; those
 * asking for what a persona cannot do (tools, log-probabilities) are refused.
 *
 * @param model the persona
 * @param conversation user and assistant messages, as the user's and the character's turns, with the
 *     system (and developer) messages as its instructions (see {@link Conversation#withInstructions})
 * @param n choices to return
 * @param bestOf candidates to decode and rank (at least {@code n}); 0 for the persona's policy
 */
record ChatRequest(String model, Conversation conversation, boolean stream, boolean includeUsage,
    int n, int bestOf, JsonNode body) {
  static final int MAX_N = 16;
  static final int MAX_BEST_OF = 64;

  /** Parses and checks the request body. */
  static ChatRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiError.invalid(null, "The request body must be a JSON object");
    }
    String model = requiredText(body, "model");
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "'messages' must be a non-empty array of {role, content}");
    }
    List<Turn> turns = new ArrayList<>();
    List<String> instructions = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String where = "messages[" + i + "]";
      if (!m.isObject()) {
        throw ApiError.invalid(where, where + " must be an object with 'role' and 'content'");
      }
      String role = requiredText(m, "role", where + ".role");
      String content = content(m.get("content"), where + ".content");
      switch (role) {
        case "system", "developer" -> instructions.add(content);
        case "user" -> turns.add(Turn.user(content));
        case "assistant" -> turns.add(Turn.character(content));
        default -> throw ApiError.invalid(where + ".role",
            where + ".role '" + role + "' is not supported: use system, developer, user or assistant (no tools)");
      }
    }
    for (String refused : List.of("tools", "functions")) {
      JsonNode v = body.get(refused);
      if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty())) {
        throw ApiError.invalid(refused, "'" + refused + "' is not supported: a persona replies in text only");
      }
    }
    if (body.path("logprobs").asBoolean(false)) {
      throw ApiError.invalid("logprobs", "'logprobs' is not supported");
    }
    boolean stream = bool(body, "stream");
    JsonNode streamOptions = body.get("stream_options");
    boolean includeUsage = streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
    int n = intIn(body, "n", 1, MAX_N, 1);
    int bestOf = intIn(body, "best_of", 1, MAX_BEST_OF, 0);
    if (bestOf > 0 && bestOf < n) {
      throw ApiError.invalid("best_of", "'best_of' (" + bestOf + ") must be at least 'n' (" + n + ")");
    }
    text(body, "user");
    Conversation conversation = Conversation.of(turns).withInstructions(String.join("\n\n", instructions));
    return new ChatRequest(model, conversation, stream, includeUsage, n, bestOf, body);
  }

  /** The end user the client named ({@code user}), for the request log; "-" when none. */
  String user() {
    JsonNode user = body.get("user");
    return user == null || user.isNull() ? "-" : user.asText();
  }

  /** Candidates to decode: best_of, else the persona's policy's, and never fewer than n. */
  int candidates(PersonaGenerator generator) {
    return Math.max(n, bestOf > 0 ? bestOf : generator.policy().candidatesPerRound());
  }

  /** This request's overrides of the generator's sampling, stop strings, new-token limit, seed and candidates. */
  ReplyOptions.Builder options(PersonaGenerator generator) {
    ReplyOptions.Builder options = ReplyOptions.builder();
    SamplerSettings.Builder sampler = generator.samplerSettings().toBuilder();
    boolean sampling = false;
    sampling |= number(body, "temperature", 0, 2, sampler::temperature);
    sampling |= number(body, "top_p", Double.MIN_VALUE, 1, sampler::topP);
    sampling |= number(body, "frequency_penalty", -2, 2, sampler::frequencyPenalty);
    sampling |= number(body, "presence_penalty", -2, 2, sampler::presencePenalty);
    // not OpenAI's, but what OpenAI-compatible servers accept and front-ends send
    sampling |= number(body, "top_k", 0, 1_000_000, v -> sampler.topK((int) v));
    sampling |= number(body, "min_p", 0, 1, sampler::minP);
    sampling |= number(body, "repetition_penalty", Double.MIN_VALUE, 10, sampler::repetitionPenalty);
    if (sampling) {
      try {
        options.sampler(sampler.build());
      } catch (InvalidSettingException e) {
        throw ApiError.invalid(null, e.getMessage());
      }
    }
    int maxTokens = intIn(body, "max_completion_tokens", 1, Integer.MAX_VALUE, 0);
    if (maxTokens == 0) {
      maxTokens = intIn(body, "max_tokens", 1, Integer.MAX_VALUE, 0);
    }
    if (maxTokens > 0) {
      options.maxNewTokens(maxTokens);
    }
    JsonNode stop = body.get("stop");
    if (stop != null && !stop.isNull()) {
      options.stopStrings(stopStrings(stop));
    }
    JsonNode seed = body.get("seed");
    if (seed != null && !seed.isNull()) {
      if (!seed.canConvertToLong() || !seed.isIntegralNumber()) {
        throw ApiError.invalid("seed", "'seed' must be an integer, not " + seed);
      }
      options.seed(seed.asLong());
    }
    return options.candidates(candidates(generator));
  }

  private static List<String> stopStrings(JsonNode stop) {
    List<String> strings = new ArrayList<>();
    if (stop.isTextual()) {
      strings.add(stop.asText());
    } else if (stop.isArray() && stop.size() <= 16) {
      for (JsonNode s : stop) {
        if (!s.isTextual()) {
          throw ApiError.invalid("stop", "'stop' must be a string or an array of strings, not " + stop);
        }
        strings.add(s.asText());
      }
    } else {
      throw ApiError.invalid("stop", "'stop' must be a string or an array of at most 16 strings");
    }
    if (strings.stream().anyMatch(String::isEmpty)) {
      throw ApiError.invalid("stop", "'stop' strings must not be empty");
    }
    return strings;
  }

  /** The text of a message's content: a string, or an array of {type: text, text} parts. */
  private static String content(JsonNode content, String where) {
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    if (content != null && content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
          throw ApiError.invalid(where, where + " parts must be {\"type\": \"text\", \"text\": ...}: a persona reads text only");
        }
        text.append(text.length() == 0 ? "" : "\n").append(part.get("text").asText());
      }
      return text.toString();
    }
    throw ApiError.invalid(where, where + " must be a string or an array of text parts");
  }

  private static String requiredText(JsonNode node, String field) {
    return requiredText(node, field, field);
  }

  private static String requiredText(JsonNode node, String field, String param) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw ApiError.invalid(param, "'" + param + "' is required and must be a non-empty string");
    }
    return v.asText();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiError.invalid(field, "'" + field + "' must be a string, not " + v);
    }
    return v.asText();
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ApiError.invalid(field, "'" + field + "' must be true or false, not " + v);
    }
    return v.asBoolean();
  }

  private static int intIn(JsonNode node, String field, int min, int max, int absent) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      throw ApiError.invalid(field, "'" + field + "' must be an integer in [" + min + ", " + max + "], not " + v);
    }
    return v.asInt();
  }

  /** Applies a number field in [min, max] when present; true when it was. */
  private static boolean number(JsonNode node, String field, double min, double max, DoubleSetter setter) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
      throw ApiError.invalid(field, "'" + field + "' must be a number in [" + fmt(min) + ", " + fmt(max) + "], not " + v);
    }
    try {
      setter.set(v.asDouble());
    } catch (InvalidSettingException e) {
      throw ApiError.invalid(field, "'" + field + "': " + e.getMessage());
    }
    return true;
  }

  private static String fmt(double d) {
    return d == Double.MIN_VALUE ? "0 (exclusive)" : d == Math.rint(d) ? String.valueOf((long) d)
        : String.format(Locale.ROOT, "%s", d);
  }

  @FunctionalInterface
  private interface DoubleSetter {
    void set(double value);
  }
}
