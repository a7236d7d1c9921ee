package dev.persona4j.examples.bench;

/**
 * How a benchmark invocation measures.
 *
 * @param quick whether this is the short run ({@code bench --quick})
 * @param pairs persona4j/Jlama process pairs (each engine runs once per pair, alternating)
 * @param promptTokens prompt length in tokens
 * @param newTokens new tokens of every reply (end-of-sequence ignored)
 * @param candidates candidates of the best-of reply
 * @param warmup warm-up replies in each process before timing
 * @param repeats timed repetitions in each process
 */
public record BenchSettings(
    boolean quick, int pairs, int promptTokens, int newTokens, int candidates, int warmup, int repeats) {

  public BenchSettings {
    if (pairs < 1 || promptTokens < 1 || newTokens < 2 || candidates < 1 || warmup < 0 || repeats < 1) {
      throw new IllegalArgumentException("invalid benchmark settings: pairs=" + pairs + ", promptTokens="
          + promptTokens + ", newTokens=" + newTokens + ", candidates=" + candidates + ", warmup=" + warmup
          + ", repeats=" + repeats);
    }
  }

  /** {@code bench --quick}: short replies and few pairs, to finish within five minutes. */
  public static BenchSettings quickRun() {
    return new BenchSettings(true, 2, 128, 16, 8, 1, 1);
  }

  /** The default run. */
  public static BenchSettings fullRun() {
    return new BenchSettings(false, 5, 128, 64, 8, 1, 1);
  }
}
