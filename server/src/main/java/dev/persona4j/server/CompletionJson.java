package dev.persona4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.FinishReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The JSON of OpenAI's chat-completion objects and chunks, and of the {@code persona4j} extension. */
final class CompletionJson {
  private CompletionJson() {}

  /**
   * The reply's {@code n} choices: the chosen candidate first, then the others by the policy's score,
   * best first (in order of decoding when unscored).
   */
  static List<Candidate> choices(Reply reply, int n) {
    List<Candidate> others = new ArrayList<>(reply.candidates());
    others.removeIf(c -> c.index() == reply.chosen().index());
    others.sort(Comparator.comparingDouble((Candidate c) -> Double.isNaN(c.score()) ? Double.NEGATIVE_INFINITY : -c.score())
        .thenComparingInt(Candidate::index));
    List<Candidate> choices = new ArrayList<>(n);
    choices.add(reply.chosen());
    choices.addAll(others.subList(0, Math.min(n - 1, others.size())));
    return choices;
  }

  /** OpenAI's finish reason: {@code stop} at a stop token or string, else {@code length} (cut short). */
  static String finishReason(FinishReason reason) {
    return switch (reason) {
      case STOP_TOKEN, STOP_STRING -> "stop";
      case MAX_TOKENS, CONTEXT_FULL, DEADLINE, CANCELLED -> "length";
    };
  }

  static ObjectNode completion(String id, long created, String model, Reply reply, int n) {
    ObjectNode root = header(id, "chat.completion", created, model);
    ArrayNode choices = root.putArray("choices");
    List<Candidate> chosen = choices(reply, n);
    for (int i = 0; i < chosen.size(); i++) {
      ObjectNode choice = choices.addObject();
      choice.put("index", i);
      ObjectNode message = choice.putObject("message");
      message.put("role", "assistant");
      message.put("content", chosen.get(i).text());
      message.putNull("refusal");
      choice.putNull("logprobs");
      choice.put("finish_reason", finishReason(chosen.get(i).finishReason()));
    }
    root.set("usage", usage(reply));
    root.set("persona4j", persona4j(reply, chosen));
    return root;
  }

  /** A chunk whose choice {@code index} carries {@code delta}; {@code finish} may be null. */
  static ObjectNode chunk(String id, long created, String model, int index, ObjectNode delta, String finish) {
    ObjectNode root = header(id, "chat.completion.chunk", created, model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", index);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.put("finish_reason", finish);
    return root;
  }

  /** The last chunk OpenAI sends when asked to include usage: no choices, the usage. */
  static ObjectNode usageChunk(String id, long created, String model, Reply reply) {
    ObjectNode root = header(id, "chat.completion.chunk", created, model);
    root.putArray("choices");
    root.set("usage", usage(reply));
    return root;
  }

  static ObjectNode delta(String role, String content) {
    ObjectNode delta = Json.mapper().createObjectNode();
    if (role != null) {
      delta.put("role", role);
    }
    if (content != null) {
      delta.put("content", content);
    }
    return delta;
  }

  /** Prompt tokens as the model read them; completion tokens over every candidate decoded, as all were paid for. */
  static ObjectNode usage(Reply reply) {
    int prompt = reply.timings().promptTokens();
    int completion = reply.candidates().stream().mapToInt(Candidate::tokenCount).sum();
    ObjectNode usage = Json.mapper().createObjectNode();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    return usage;
  }

  /** Every candidate with its head scores, the rule that chose, and where the time went. */
  static ObjectNode persona4j(Reply reply, List<Candidate> choices) {
    ObjectNode p = Json.mapper().createObjectNode();
    p.put("rule", reply.selection().rule());
    p.put("gave_up", reply.gaveUp());
    p.put("explanation", reply.selection().explanation());
    p.put("chosen", reply.chosen().index());
    ArrayNode choiceIndices = p.putArray("choices");
    choices.forEach(c -> choiceIndices.add(c.index()));
    p.put("finish_reason", reply.finishReason().name());
    ArrayNode candidates = p.putArray("candidates");
    for (Candidate c : reply.candidates()) {
      ObjectNode node = candidates.addObject();
      node.put("index", c.index());
      node.put("round", c.round());
      node.put("text", c.text());
      node.put("tokens", c.tokenCount());
      node.put("finish_reason", c.finishReason().name());
      ObjectNode scores = node.putObject("scores");
      c.scores().forEach(scores::put);
      if (!Double.isNaN(c.score())) {
        node.put("score", c.score());
      } else {
        node.putNull("score");
      }
      node.put("passed", c.passed());
    }
    ObjectNode timings = p.putObject("timings_ms");
    timings.put("prefill", reply.timings().prefillNanos() / 1e6);
    timings.put("decode", reply.timings().decodeNanos() / 1e6);
    timings.put("scoring", reply.timings().scoringNanos() / 1e6);
    timings.put("total", reply.timings().totalNanos() / 1e6);
    p.put("decoding_steps", reply.timings().decodingSteps());
    return p;
  }

  private static ObjectNode header(String id, String object, long created, String model) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("id", id);
    root.put("object", object);
    root.put("created", created);
    root.put("model", model);
    root.put("system_fingerprint", "persona4j");
    return root;
  }
}
