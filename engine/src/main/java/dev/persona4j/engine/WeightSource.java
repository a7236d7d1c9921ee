package dev.persona4j.engine;

import java.util.Map;

/**
 * Where a model's tensors come from, by their Hugging Face names: a safetensors checkpoint ({@link
 * SafetensorsWeights}) or a GGUF file mapped to the same names ({@link GgufWeights}). Every method
 * checks the shape and throws a {@link dev.persona4j.core.checkpoint.CheckpointException} naming the
 * file and tensor at fault.
 *
 * <p>Both lay their matrices out in slabs, arrays shared by many matrices and sized for those not yet
 * read: an array per matrix was allocated young and copied into the old generation by collection
 * after collection while the model loaded.
 */
interface WeightSource {
  /** Most elements in one slab (an array's length is an int); a larger matrix gets arrays of its own. */
  int SLAB_UNITS = 1 << 29;

  /**
   * The size of a new slab for a matrix of {@code units}: what it and the matrices not yet read
   * ({@code unread}, in the same units) need, at most {@link #SLAB_UNITS}.
   */
  static int slabSize(Map<String, Long> unread, long units) {
    long rest = 0;
    for (long u : unread.values()) {
      rest += u;
    }
    return (int) Math.min(SLAB_UNITS, units + rest);
  }

  /** Writes panel {@code panel} of a matrix from its rows, row-major in {@code block} from {@code at}. */
  interface PanelFill<A> {
    void fill(int panel, A block, int at);
  }

  /** A matrix stored [rows, cols], in its stored type. */
  WeightMatrix matrix(String name, int rows, int cols);

  /** A matrix stored [in, out] (GPT-2's Conv1D), as [out, in], in its stored type. */
  WeightMatrix transposed(String name, int in, int out);

  /** A vector [n] (a bias or a norm weight) as float32. */
  float[] vector(String name, int n);
}
