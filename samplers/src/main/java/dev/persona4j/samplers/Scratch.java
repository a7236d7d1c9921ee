package dev.persona4j.samplers;

import java.util.Arrays;

/**
 * Each thread's working arrays for the processors, grown to the largest vocabulary seen and reused.
 * Processors are shared by every sampler of a settings object and run on any thread, so the arrays
 * cannot live in them; one processor's call finishes before the next starts, so one set per thread
 * serves the whole chain. Fresh vocabulary-sized arrays per call were about a megabyte per candidate
 * and token (top-p over 49k tokens): most of a best-of-8 reply's garbage, whose collections moved
 * the reply's live arrays to the old generation. What a thread keeps is a vocabulary's worth of
 * floats, ints and three of doubles or longs (4.9 MB at 152k tokens), for each thread that
 * samples: the callers and the common pool's workers. A draw's scores and weights live here too.
 */
final class Scratch {
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  private float[] scores = new float[0];
  private double[] probabilities = new double[0];
  private double[] weights = new double[0];
  private long[] keys = new long[0];
  private int[] candidates = new int[0];
  private double[] bucketMass = new double[0];

  private Scratch() {}

  static Scratch get() {
    return LOCAL.get();
  }

  /**
   * Exactly n scores (a draw's copy of the logits, run through the chain), a new array where the
   * vocabulary changed; contents undefined.
   */
  float[] scores(int n) {
    if (scores.length != n) {
      scores = new float[n];
    }
    return scores;
  }

  /** Room for n probabilities; contents undefined. */
  double[] probabilities(int n) {
    if (probabilities.length < n) {
      probabilities = new double[n];
    }
    return probabilities;
  }

  /** Room for n softmax weights (a draw's, or top-p's); contents undefined. */
  double[] weights(int n) {
    if (weights.length < n) {
      weights = new double[n];
    }
    return weights;
  }

  /** Room for n candidate indices; contents undefined. */
  int[] candidates(int n) {
    if (candidates.length < n) {
      candidates = new int[n];
    }
    return candidates;
  }

  /** Room for n sort keys; contents undefined. */
  long[] keys(int n) {
    if (keys.length < n) {
      keys = new long[n];
    }
    return keys;
  }

  /** n zeroed per-bucket sums. */
  double[] bucketMass(int n) {
    if (bucketMass.length < n) {
      bucketMass = new double[n];
    }
    Arrays.fill(bucketMass, 0, n, 0);
    return bucketMass;
  }
}
