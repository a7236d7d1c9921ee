package dev.persona4j.examples.bench;

import dev.persona4j.examples.demo.ByteLevelBpe;

/**
 * The shape of a Llama checkpoint the benchmark generates: the dimensions that decide how much work one
 * token costs. {@link #smolLm2_135m()} is the benchmark's subject; {@link #tiny()} exercises the same code
 * path in tests.
 *
 * @param hiddenSize width of the residual stream
 * @param layers number of decoder layers
 * @param heads attention (query) heads
 * @param kvHeads key/value heads (grouped-query attention)
 * @param intermediateSize width of the SwiGLU MLP
 * @param vocabSize rows of the tied embedding, and exactly the tokenizer's vocabulary size
 * @param maxPositions max_position_embeddings
 */
public record CheckpointShape(
    int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize, int vocabSize, int maxPositions) {

  /** The smallest vocabulary that holds the special tokens, the 256 byte symbols and at least one merge. */
  public static final int MIN_VOCAB = ByteLevelBpe.FIRST_MERGE_ID + 1;

  public CheckpointShape {
    positive("hiddenSize", hiddenSize);
    positive("layers", layers);
    positive("heads", heads);
    positive("kvHeads", kvHeads);
    positive("intermediateSize", intermediateSize);
    positive("maxPositions", maxPositions);
    if (hiddenSize % heads != 0) {
      throw new IllegalArgumentException("hiddenSize " + hiddenSize + " is not a multiple of heads " + heads);
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException("heads " + heads + " is not a multiple of kvHeads " + kvHeads);
    }
    if ((hiddenSize / heads) % 2 != 0) {
      throw new IllegalArgumentException("head dimension " + hiddenSize / heads + " must be even for rotary embeddings");
    }
    if (vocabSize < MIN_VOCAB) {
      throw new IllegalArgumentException("vocabSize " + vocabSize + " is below the minimum " + MIN_VOCAB);
    }
  }

  /** SmolLM2-135M: hidden 576, 30 layers, 9 heads, 3 KV heads, intermediate 1536, vocabulary 49152. */
  public static CheckpointShape smolLm2_135m() {
    return new CheckpointShape(576, 30, 9, 3, 1536, 49152, 2048);
  }

  /** A shape small enough for unit tests (a few hundred KB) that still has GQA and a few hundred merges. */
  public static CheckpointShape tiny() {
    return new CheckpointShape(64, 2, 4, 2, 128, 1024, 256);
  }

  /** Per-head width. */
  public int headDim() {
    return hiddenSize / heads;
  }

  /** The number of float32 parameters (tied embeddings counted once). */
  public long parameterCount() {
    long h = hiddenSize;
    long kv = (long) kvHeads * headDim();
    long perLayer = 2 * h * h + 2 * kv * h + 3 * h * intermediateSize + 2 * h;
    return (long) vocabSize * h + layers * perLayer + h;
  }

  /** Bytes of fp32 weights, i.e. the safetensors data section. */
  public long weightBytes() {
    return parameterCount() * Float.BYTES;
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
