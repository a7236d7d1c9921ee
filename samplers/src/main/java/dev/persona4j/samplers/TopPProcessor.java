package dev.persona4j.samplers;

import java.util.Arrays;

/**
 * Nucleus sampling with transformers' semantics: sort ascending, remove every token whose cumulative
 * probability (counted from the least likely) is {@code <= 1 - p}; the most likely token always
 * stays. {@code p = 1} disables it.
 *
 * <p>The removed tail is found without sorting the vocabulary. Each token's softmax weight e =
 * exp(score − max) is computed (a vector at a time where the JVM can, see {@link Logits#exps}), and
 * the candidates listed: the tokens less than ln(V / (1 − p)) below the largest score (V the
 * vocabulary). Every other token weighs under (1 − p) / V of the total, so even all of them lie
 * inside the removed tail. The candidates' weights are summed into buckets by the score's distance
 * below the largest (descending score order, equal scores sharing one); the running mass, from the
 * tokens below every bucket up, finds the bucket where it first exceeds (1 − p) × Σe. Every token of
 * a lower bucket is removed, and the boundary bucket's tokens alone are sorted (ascending score,
 * ties by ascending index, as a stable sort orders them) and walked token by token. Comparing
 * unnormalized weights against (1 − p) × Σe is the definition's comparison up to the last bit of a
 * double.
 *
 * <p>Why this shape: a quickselect's swaps took most of the time of sampling 8 candidates over 49k
 * flat logits. Separate passes for the probabilities, a pre-filter, the buckets and the removal then
 * took most of it again, with branches that a flat distribution's scattered removals mispredict; the
 * passes here never branch on a token.
 */
record TopPProcessor(double p) implements LogitsProcessor {
  /**
   * Score buckets between the largest score and ln(V / (1 − p)) below it: with a flat 49k
   * vocabulary, a few dozen tokens a bucket to sort at the boundary.
   */
  private static final int BUCKETS = 4096;

  @Override
  public void process(float[] logits, TokenHistory history) {
    if (p >= 1) {
      return;
    }
    float max = Logits.max(logits);
    if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY) {
      return; // nothing left, or a +inf score the draw takes outright
    }
    Scratch scratch = Scratch.get();
    int n = logits.length;
    double cut = 1 - p;
    float range = (float) Math.log(n / cut);
    float perUnit = BUCKETS / range;
    double[] w = scratch.weights(n);
    Logits.exps(logits, max, w);
    // the candidates, less than `range` below the largest score, listed without a branch (every
    // token is written to the next free slot, which only a candidate keeps): all of a flat
    // distribution, a few hundred of a peaked one
    int[] candidates = scratch.candidates(n + 1);
    double sum = 0;
    int finite = 0;
    int m = 0;
    for (int i = 0; i < n; i++) {
      float v = logits[i];
      sum += w[i]; // a removed token's +0 changes no sum
      finite += Logits.kept(v);
      candidates[m] = i;
      m += Float.floatToRawIntBits((max - v) - range) >>> 31; // below < range; never a removed token
    }
    if (finite <= 1) {
      return;
    }
    double[] mass = scratch.bucketMass(BUCKETS);
    double candidateMass = 0;
    for (int k = 0; k < m; k++) {
      int i = candidates[k];
      mass[bucket(max - logits[i], range, perUnit)] += w[i];
      candidateMass += w[i];
    }
    // from the lowest scores up: the tokens below every bucket, then whole buckets, while the running
    // total stays within the tail
    double tail = cut * sum;
    double removed = Math.max(0, sum - candidateMass);
    int boundary = BUCKETS - 1;
    for (; boundary >= 0 && removed + mass[boundary] <= tail; boundary--) {
      removed += mass[boundary];
    }
    if (boundary < 0) {
      // rounding let the whole vocabulary fall under the tail: the most likely token stays anyway
      int top = lastIndexOf(logits, max);
      for (int i = 0; i < n; i++) {
        if (i != top) {
          logits[i] = Float.NEGATIVE_INFINITY;
        }
      }
      return;
    }
    // the buckets as distances below the largest score: this pass compares instead of bucketing
    // again, and neither removes nor gathers with a branch (the flat case removes a random sixth of
    // the tokens; with branches the pass took 2.5 to 5 times as long, as the JIT laid them out)
    float removeFrom = firstInBucket(boundary + 1, range, perUnit);
    int edgeFrom = Float.floatToRawIntBits(firstInBucket(boundary, range, perUnit));
    long edgeWidth = Integer.toUnsignedLong(Float.floatToRawIntBits(removeFrom) - edgeFrom);
    long[] edge = scratch.keys(n + 1); // the vocabulary's size: m differs call to call, and each new high reallocated
    int size = 0;
    for (int k = 0; k < m; k++) {
      int i = candidates[k];
      float v = logits[i];
      // in [edgeFrom, removeFrom): an unsigned comparison of bit patterns, as 1 or 0
      edge[size] = Logits.key(v, i);
      size += (int) ((Integer.toUnsignedLong(Float.floatToRawIntBits(max - v) - edgeFrom) - edgeWidth) >>> 63);
    }
    for (int i = 0; i < n; i++) {
      float v = logits[i];
      // (max − v) − removeFrom is negative exactly when the token is below removeFrom: its sign bit
      // keeps the token (a removed token's +inf stays removed either way)
      int keep = Float.floatToRawIntBits((max - v) - removeFrom) >> 31;
      logits[i] = Float.intBitsToFloat((Float.floatToRawIntBits(v) & keep) | (Logits.NEGATIVE_INFINITY_BITS & ~keep));
    }
    // within the boundary bucket, a stable ascending order and the running total decide; the last
    // key of bucket 0 is the most likely token, which stays
    Arrays.sort(edge, 0, size);
    int walk = boundary == 0 ? size - 1 : size;
    for (int k = 0; k < walk; k++) {
      int i = Logits.indexOf(edge[k]);
      removed += w[i];
      if (removed > tail) {
        break; // the first token kept, and everything above it
      }
      logits[i] = Float.NEGATIVE_INFINITY;
    }
  }

  /**
   * The bucket of a score {@code below} under the largest: 0 for the largest, rising as scores fall,
   * {@link #BUCKETS} (below every bucket) from {@code range} on. Never decreasing in {@code below}
   * (float subtraction and multiplication are monotone), so buckets never reorder scores.
   */
  private static int bucket(float below, float range, float perUnit) {
    return below < range ? Math.min(BUCKETS - 1, (int) (below * perUnit)) : BUCKETS;
  }

  /**
   * The smallest distance below the largest score whose {@link #bucket} is {@code b} or higher
   * (+inf past the last bucket), found over the bit patterns of non-negative floats, which order as
   * the floats do: with it, {@code below >= firstInBucket(b)} is exactly {@code bucket(below) >= b}.
   */
  private static float firstInBucket(int b, float range, float perUnit) {
    if (b > BUCKETS) {
      return Float.POSITIVE_INFINITY;
    }
    int lo = 0;
    int hi = Float.floatToRawIntBits(Float.POSITIVE_INFINITY); // in the last bucket
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (bucket(Float.intBitsToFloat(mid), range, perUnit) >= b) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return Float.intBitsToFloat(lo);
  }

  /** The last index holding {@code max}: the most likely token in a stable ascending order. */
  private static int lastIndexOf(float[] logits, float max) {
    for (int i = logits.length - 1; ; i--) {
      if (logits[i] == max) {
        return i;
      }
    }
  }

  @Override
  public String describe() {
    return "top-p(" + p + ")";
  }
}
