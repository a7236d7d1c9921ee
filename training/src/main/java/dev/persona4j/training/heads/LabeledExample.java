package dev.persona4j.training.heads;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One labelled example for training a head: either a free {@code text} (read at every position) or
 * a {@code reply} to an already-rendered {@code prompt} (only the reply's positions are read, as the
 * generator reads a candidate). Extra fields of the source line (persona, topic, ...) are kept as
 * text.
 */
final class LabeledExample {
  private final String text;
  private final String prompt;
  private final String reply;
  private final boolean positive;
  private final Map<String, String> extras;
  private final String source;

  private LabeledExample(String text, String prompt, String reply, boolean positive, Map<String, String> extras,
      String source) {
    this.text = text;
    this.prompt = prompt;
    this.reply = reply;
    this.positive = positive;
    this.extras = Map.copyOf(extras);
    this.source = source;
  }

  /** A text read whole, encoded with the tokenizer's special tokens. */
  public static LabeledExample text(String text, boolean positive) {
    return text(text, positive, Map.of(), null);
  }

  /**
   * A reply to a rendered prompt: both are encoded without special tokens (the prompt's template
   * already holds them) and only the reply's positions are read.
   */
  public static LabeledExample reply(String prompt, String reply, boolean positive) {
    return reply(prompt, reply, positive, Map.of(), null);
  }

  /**
   * @param source where the example came from, e.g. {@code data.jsonl line 12}, for error messages;
   *     null for none
   */
  public static LabeledExample text(String text, boolean positive, Map<String, String> extras, String source) {
    if (text == null || text.isEmpty()) {
      throw new HeadTrainingException(where(source) + "text is empty");
    }
    return new LabeledExample(text, null, null, positive, Objects.requireNonNull(extras, "extras"), source);
  }

  /** As {@link #reply(String, String, boolean)}, with extra fields and a source for error messages. */
  public static LabeledExample reply(String prompt, String reply, boolean positive, Map<String, String> extras,
      String source) {
    if (prompt == null) {
      throw new HeadTrainingException(where(source) + "prompt is missing");
    }
    if (reply == null || reply.isEmpty()) {
      throw new HeadTrainingException(where(source) + "reply is empty");
    }
    return new LabeledExample(null, prompt, reply, positive, Objects.requireNonNull(extras, "extras"), source);
  }

  private static String where(String source) {
    return source == null ? "" : source + ": ";
  }

  /** Whether this is a prompt/reply pair (else a text). */
  public boolean isReply() {
    return reply != null;
  }

  /** The text of a text example. */
  public Optional<String> text() {
    return Optional.ofNullable(text);
  }

  /** The rendered prompt of a reply example. */
  public Optional<String> prompt() {
    return Optional.ofNullable(prompt);
  }

  /** The reply of a reply example. */
  public Optional<String> reply() {
    return Optional.ofNullable(reply);
  }

  /** Whether the example is of the positive class (e.g. in character). */
  public boolean positive() {
    return positive;
  }

  /** 1 for positive, 0 for negative: what the trainer reads. */
  public int label() {
    return positive ? 1 : 0;
  }

  /** The source line's other fields, as text (strings as is, other values as JSON). */
  public Map<String, String> extras() {
    return extras;
  }

  /** Where the example came from, e.g. {@code data.jsonl line 12}, if known. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  @Override
  public String toString() {
    String body = isReply() ? "reply " + abbreviate(reply) + " to " + abbreviate(prompt) : "text " + abbreviate(text);
    return (source == null ? "" : source + ": ") + body + " -> " + (positive ? "positive" : "negative");
  }

  private static String abbreviate(String s) {
    return '"' + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + '"';
  }
}
