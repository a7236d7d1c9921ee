package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The figures one engine's process reported for one benchmark run (the persona4j worker and the Jlama runner
 * print the same keys). A figure the engine could not measure is empty.
 */
public final class EngineRun {
  private final String engine;
  private final ObjectNode json;

  private EngineRun(String engine, ObjectNode json) {
    this.engine = engine;
    this.json = json;
  }

  /**
   * Reads a result object.
   *
   * @throws BenchException when it has no {@code engine} name
   */
  public static EngineRun fromJson(ObjectNode json) {
    Objects.requireNonNull(json, "json");
    JsonNode engine = json.get("engine");
    if (engine == null || !engine.isTextual()) {
      throw new BenchException("engine result has no \"engine\" name: " + json);
    }
    return new EngineRun(engine.asText(), json.deepCopy());
  }

  public String engine() {
    return engine;
  }

  /** Seconds to load the checkpoint (persona4j: with the DJL engine already started). */
  public OptionalDouble loadSeconds() {
    return number("loadSeconds");
  }

  /** Seconds to start the DJL engine in a fresh process (persona4j only). */
  public OptionalDouble engineStartSeconds() {
    return number("engineStartSeconds");
  }

  /** Prompt tokens per second of the prefill, first token's logits included. */
  public OptionalDouble prefillTokensPerSecond() {
    return number("prefillTokensPerSecond");
  }

  /** Median milliseconds of one batch-1 greedy decode step, sampling included. */
  public OptionalDouble decodeMsPerToken() {
    return number("decodeMsPerToken");
  }

  /** Median milliseconds of one batch-8 decode step (empty for engines without batched decoding). */
  public OptionalDouble batch8DecodeMsPerStep() {
    return number("batch8DecodeMsPerStep");
  }

  /** Wall milliseconds of a one-candidate reply: prefill plus the new tokens. */
  public OptionalDouble oneReplyMs() {
    return number("oneReplyMs");
  }

  /** Wall milliseconds of a best-of-N reply (Jlama: N sequential replies). */
  public OptionalDouble bestOfNMs() {
    return number("bestOfNMs");
  }

  /** Milliseconds of the best-of-N reply spent scoring candidates with a head. */
  public OptionalDouble headScoringMs() {
    return number("headScoringMs");
  }

  /** Peak resident set size (VmHWM) of the engine's process, in bytes. */
  public OptionalDouble peakRssBytes() {
    OptionalDouble v = number("peakRssBytes");
    return v.isPresent() && v.getAsDouble() < 0 ? OptionalDouble.empty() : v;
  }

  /** The greedy tokens of the first batch-1 reply, to compare engines' outputs. */
  public int[] firstReplyTokens() {
    JsonNode tokens = json.get("firstReplyTokens");
    if (tokens == null || !tokens.isArray()) {
      return new int[0];
    }
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = tokens.get(i).asInt();
    }
    return out;
  }

  /** The whole result object as the engine printed it. */
  public ObjectNode json() {
    return json.deepCopy();
  }

  private OptionalDouble number(String key) {
    JsonNode v = json.get(key);
    return v == null || !v.isNumber() || Double.isNaN(v.asDouble()) ? OptionalDouble.empty()
        : OptionalDouble.of(v.asDouble());
  }

  /** How many leading tokens two token lists share. */
  static int commonPrefix(int[] a, int[] b) {
    int n = Math.min(a.length, b.length);
    int i = 0;
    while (i < n && a[i] == b[i]) {
      i++;
    }
    return i;
  }

  @Override
  public String toString() {
    return "EngineRun[" + engine + ", " + json + ", tokens=" + Arrays.toString(firstReplyTokens()) + "]";
  }
}
