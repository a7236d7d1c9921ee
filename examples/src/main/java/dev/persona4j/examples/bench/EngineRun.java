package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The figures one engine's process reported for one benchmark run (the persona4j worker and the Jlama runner
 * print the same keys). A figure the engine could not measure is empty.
 */
public final class EngineRun {
  /** The figures a run reports, each under its name in camel case ({@code LOAD_SECONDS}: {@code loadSeconds}). */
  public enum Figure {
    /** Seconds to load the checkpoint (persona4j: with the DJL engine already started). */
    LOAD_SECONDS,
    /** Seconds to start the DJL engine in a fresh process (persona4j only). */
    ENGINE_START_SECONDS,
    /** Prompt tokens per second of the prefill, first token's logits included. */
    PREFILL_TOKENS_PER_SECOND,
    /** Median milliseconds of one batch-1 greedy decode step, sampling included. */
    DECODE_MS_PER_TOKEN,
    /** Median milliseconds of one batch-8 decode step (empty for engines without batched decoding). */
    BATCH8_DECODE_MS_PER_STEP,
    /** Wall milliseconds of a one-candidate reply: prefill plus the new tokens. */
    ONE_REPLY_MS,
    /** Wall milliseconds of a best-of-N reply (Jlama: N sequential replies). */
    BEST_OF_N_MS,
    /** Milliseconds of the best-of-N reply spent scoring candidates with a head. */
    HEAD_SCORING_MS,
    /** Peak resident set size (VmHWM) of the engine's process, in bytes. */
    PEAK_RSS_BYTES;

    /** The key in the result object that the engines print. */
    public String key() {
      StringBuilder key = new StringBuilder();
      for (String word : name().split("_")) {
        key.append(key.length() == 0 ? word.toLowerCase(Locale.ROOT)
            : word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT));
      }
      return key.toString();
    }
  }

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

  /** A figure the engine reported; empty when it could not measure it (absent, NaN or negative). */
  public OptionalDouble figure(Figure figure) {
    JsonNode v = json.get(figure.key());
    return v == null || !v.isNumber() || Double.isNaN(v.asDouble()) || v.asDouble() < 0 ? OptionalDouble.empty()
        : OptionalDouble.of(v.asDouble());
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
