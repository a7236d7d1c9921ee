package dev.persona4j.samplers;

/**
 * Nucleus sampling with transformers' semantics: sort ascending, remove every token whose cumulative
 * probability (counted from the least likely) is {@code <= 1 - p}; the most likely token always
 * stays. {@code p = 1} disables it.
 *
 * <p>The removed tail is found without sorting: a quickselect weighted by probability mass
 * partitions around pivots (ascending score, ties by ascending index, as a stable sort orders them)
 * until it reaches the token whose cumulative mass first exceeds {@code 1 - p}. That is expected
 * O(V) instead of a sort of the vocabulary (~10x faster at a 49k vocabulary).
 */
record TopPProcessor(double p) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (p >= 1) {
      return;
    }
    double[] prob = Logits.probabilities(logits);
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
    long[] keys = new long[finite];
    int m = 0;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] == Float.NEGATIVE_INFINITY) {
        continue;
      }
      if (prob[i] < small) {
        removedMass += prob[i];
        logits[i] = Float.NEGATIVE_INFINITY;
      } else {
        keys[m++] = Logits.key(logits[i], i);
      }
    }
    // Invariant: keys[0, lo) are the smallest and removed (mass included in removedMass),
    // keys[hi, m) are kept; the boundary lies in [lo, hi].
    int lo = 0;
    int hi = m;
    while (lo < hi) {
      int pivot = partition(keys, lo, hi);
      double less = removedMass;
      for (int r = lo; r < pivot; r++) {
        less += prob[Logits.indexOf(keys[r])];
      }
      if (less > cut) {
        hi = pivot; // the boundary is inside the lower part
        continue;
      }
      double withPivot = less + prob[Logits.indexOf(keys[pivot])];
      if (withPivot <= cut) {
        removedMass = withPivot;
        lo = pivot + 1;
      } else {
        lo = pivot; // the pivot is the first token kept
        hi = pivot;
      }
    }
    int removed = lo;
    int keep = -1;
    if (removed == m && m > 0) {
      // rounding let the whole vocabulary fall under cut: the most likely token stays anyway
      keep = 0;
      for (int r = 1; r < m; r++) {
        if (keys[r] > keys[keep]) {
          keep = r;
        }
      }
    }
    for (int r = 0; r < removed; r++) {
      if (r != keep) {
        logits[Logits.indexOf(keys[r])] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * Partitions keys[lo, hi) around a median-of-three pivot: smaller keys before it, larger after
   * (keys are distinct). Returns the pivot's final position.
   */
  private static int partition(long[] keys, int lo, int hi) {
    int last = hi - 1;
    int mid = (lo + last) >>> 1;
    // median of three moved to the end
    if (keys[mid] < keys[lo]) {
      swap(keys, mid, lo);
    }
    if (keys[last] < keys[lo]) {
      swap(keys, last, lo);
    }
    if (keys[mid] < keys[last]) {
      swap(keys, mid, last);
    }
    long pivot = keys[last];
    int store = lo;
    for (int r = lo; r < last; r++) {
      if (keys[r] < pivot) {
        swap(keys, r, store++);
      }
    }
    swap(keys, store, last);
    return store;
  }

  private static void swap(long[] a, int i, int j) {
    long t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  @Override
  public String describe() {
    return "top-p(" + p + ")";
  }
}
