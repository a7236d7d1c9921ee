package dev.persona4j.engine;

import java.nio.ByteBuffer;

/** A weight matrix in a GGUF block-quantized type, made empty and then decoded a stretch of rows at a time. */
interface RowFilled extends WeightMatrix {
  /**
   * Decodes rows from {@code firstRow} on out of {@code data[0, limit)}: whole rows of the type's
   * blocks, little-endian, in Hugging Face's row order. Each row is filled once.
   *
   * @throws IllegalArgumentException if a block's scale is not finite (naming the block)
   */
  void fill(int firstRow, ByteBuffer data);

  /** Rows a {@link #fill} takes at a time at least, and the multiple its first row must be: 1, or a panel's height. */
  default int rowsPerFill() {
    return 1;
  }
}
