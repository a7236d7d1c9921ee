package dev.persona4j.samplers;

/**
 * Keeps the {@code k} highest scores; every token tied with the k-th score is kept too (as
 * transformers' {@code scores < kth_value} test). {@code k = 0} disables it.
 */
record TopKProcessor(int k) implements LogitsProcessor {
  @Override
  public void process(float[] logits, TokenHistory history) {
    if (k == 0 || k >= logits.length) {
      return;
    }
    float kth = kthLargest(logits, k);
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] < kth) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /** The k-th largest value, via a min-heap of size k: O(V log k) and no sort of the vocabulary. */
  static float kthLargest(float[] values, int k) {
    float[] heap = new float[k];
    int size = 0;
    for (float v : values) {
      if (size < k) {
        heap[size] = v;
        siftUp(heap, size++);
      } else if (v > heap[0]) {
        heap[0] = v;
        siftDown(heap, size);
      }
    }
    return heap[0];
  }

  private static void siftUp(float[] h, int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (h[parent] <= h[i]) {
        return;
      }
      float t = h[parent];
      h[parent] = h[i];
      h[i] = t;
      i = parent;
    }
  }

  private static void siftDown(float[] h, int size) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int smallest = i;
      if (l < size && h[l] < h[smallest]) {
        smallest = l;
      }
      if (r < size && h[r] < h[smallest]) {
        smallest = r;
      }
      if (smallest == i) {
        return;
      }
      float t = h[smallest];
      h[smallest] = h[i];
      h[i] = t;
      i = smallest;
    }
  }

  @Override
  public String describe() {
    return "top-k(" + k + ")";
  }
}
