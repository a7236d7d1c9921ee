package dev.persona4j.samplers;

import java.util.Arrays;

/**
 * Nucleus sampling with transformers' semantics: sort ascending, remove every token whose cumulative
 * probability (counted from the least likely) is {@code <= 1 - p}; the most likely token always
 * stays. {@code p = 1} disables it.
 *
 * <p>The removed tail is found without sorting the vocabulary: the tokens' probability mass is
 * summed into buckets by score, in ascending order, up to the bucket where the running total first
 * exceeds {@code 1 - p}; only that bucket is sorted (ascending score, ties by ascending index, as a
 * stable sort orders them) and walked token by token. That is O(V) with no partitioning: a
 * quickselect's swaps took most of the time of sampling 8 candidates over 49k flat logits.
 */
record TopPProcessor(double p) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (p >= 1) {
      return;
    }
    Scratch scratch = Scratch.get();
    double[] prob = Logits.probabilities(logits, scratch.probabilities(logits.length));
    double cut = 1 - p;
    int finite = 0;
    for (float v : logits) {
      if (v != Float.NEGATIVE_INFINITY) {
        finite++;
      }
    }
    if (finite <= 1) {
      return;
    }
    // Tokens below cut/finite are removed up front: everything ranked at or below such a token is
    // below it too, so its cumulative mass is under cut.
    double small = cut / finite;
    double removedMass = 0;
    int[] candidates = scratch.candidates(finite);
    int m = 0;
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] == Float.NEGATIVE_INFINITY) {
        continue;
      }
      if (prob[i] < small) {
        removedMass += prob[i];
        logits[i] = Float.NEGATIVE_INFINITY;
      } else {
        candidates[m++] = i;
        lo = Math.min(lo, logits[i]);
        hi = Math.max(hi, logits[i]);
      }
    }
    if (m == 0) {
      return;
    }
    // Buckets by score, in ascending order (equal scores share one): the boundary lies in the first
    // bucket whose mass takes the running total past cut; only that bucket is sorted.
    int buckets = Math.min(BUCKETS, m);
    double scale = hi > lo ? (buckets - 1) / ((double) hi - lo) : 0;
    int[] bucketOf = scratch.buckets(m);
    double[] mass = scratch.bucketMass(buckets);
    int[] size = scratch.bucketSizes(buckets);
    for (int k = 0; k < m; k++) {
      int i = candidates[k];
      int b = (int) (((double) logits[i] - lo) * scale);
      bucketOf[k] = b;
      mass[b] += prob[i];
      size[b]++;
    }
    int boundary = 0;
    for (; boundary < buckets && removedMass + mass[boundary] <= cut; boundary++) {
      removedMass += mass[boundary];
    }
    if (boundary == buckets) {
      // rounding let the whole vocabulary fall under cut: the most likely token stays anyway
      long keep = Long.MIN_VALUE;
      for (int k = 0; k < m; k++) {
        keep = Math.max(keep, Logits.key(logits[candidates[k]], candidates[k]));
      }
      for (int k = 0; k < m; k++) {
        if (candidates[k] != Logits.indexOf(keep)) {
          logits[candidates[k]] = Float.NEGATIVE_INFINITY;
        }
      }
      return;
    }
    long[] edge = new long[size[boundary]];
    int e = 0;
    for (int k = 0; k < m; k++) {
      int i = candidates[k];
      if (bucketOf[k] < boundary) {
        logits[i] = Float.NEGATIVE_INFINITY;
      } else if (bucketOf[k] == boundary) {
        edge[e++] = Logits.key(logits[i], i);
      }
    }
    // within the boundary bucket, a stable ascending order and the running total decide
    Arrays.sort(edge);
    for (long key : edge) {
      int i = Logits.indexOf(key);
      removedMass += prob[i];
      if (removedMass > cut) {
        break; // the first token kept, and everything above it
      }
      logits[i] = Float.NEGATIVE_INFINITY;
    }
  }

  /**
   * Score buckets of the boundary search: with a 49k vocabulary, about a dozen tokens a bucket to
   * sort where the scores are flat.
   */
  private static final int BUCKETS = 4096;

  @Override
  public String describe() {
    return "top-p(" + p + ")";
  }
}
