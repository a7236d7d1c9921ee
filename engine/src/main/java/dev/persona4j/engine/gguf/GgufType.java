package dev.persona4j.engine.gguf;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The tensor types of GGUF this project reads and writes, with ggml's ids and block layouts. Values are stored
 * in blocks along a row ({@code ne0}): one value per block for the float types, 32 for Q8_0, Q5_0 and Q4_0, 256 (a
 * super-block) for the K-quants. The codecs work on one block at a time or on a run of whole blocks, reading
 * and writing buffers at absolute offsets in little-endian order whatever the buffer's own order.
 */
public enum GgufType {
  /** IEEE float32. */
  F32(0, 1, 4),
  /** IEEE binary16. */
  F16(1, 1, 2),
  /** 32 values: an fp16 scale and 32 4-bit levels, y = (q − 8)·d. */
  Q4_0(2, BlockCodecs.QK, 18),
  /**
   * 32 values: an fp16 scale, the 32 levels' fifth bits and their low 4 bits, y = (q − 16)·d. llama.cpp's
   * Q4_K_M falls back to it for rows that are not whole 256-value super-blocks (576-wide ones, say).
   */
  Q5_0(6, BlockCodecs.QK, 22),
  /** 32 values: an fp16 scale and 32 int8 levels, y = q·d. */
  Q8_0(8, BlockCodecs.QK, 34),
  /** 256 values in 8 sub-blocks of 32 with 6-bit scales and mins: y = d·s·q − dmin·m, q 4-bit. */
  Q4_K(12, BlockCodecs.QK_K, 144),
  /** 256 values in 16 sub-blocks of 16 with int8 scales: y = d·s·(q − 32), q 6-bit. */
  Q6_K(14, BlockCodecs.QK_K, 210),
  /** bfloat16. */
  BF16(30, 1, 2);

  private final int id;
  private final int blockSize;
  private final int blockBytes;

  GgufType(int id, int blockSize, int blockBytes) {
    this.id = id;
    this.blockSize = blockSize;
    this.blockBytes = blockBytes;
  }

  /** ggml's type id, as stored in a tensor info. */
  public int id() {
    return id;
  }

  /** Values per block. */
  public int blockSize() {
    return blockSize;
  }

  /** Bytes per block. */
  public int blockBytes() {
    return blockBytes;
  }

  /** Whether this is a quantized (block) type rather than a float type. */
  public boolean quantized() {
    return blockSize > 1;
  }

  /**
   * Bytes of {@code elements} values.
   *
   * @throws IllegalArgumentException if {@code elements} is not a whole number of blocks
   * @throws ArithmeticException on overflow
   */
  public long bytes(long elements) {
    if (elements % blockSize != 0) {
      throw new IllegalArgumentException(elements + " values are not a whole number of " + this + " blocks of " + blockSize);
    }
    return Math.multiplyExact(elements / blockSize, blockBytes);
  }

  /** The type with ggml id {@code id}, if this project reads it. */
  public static Optional<GgufType> ofId(long id) {
    return ValueType.byId(values(), t -> t.id, id);
  }

  /**
   * Decodes {@code count} values (whole blocks) from {@code src} at byte {@code at} into {@code dst} from
   * {@code to}, exactly as ggml does.
   */
  public void dequantize(ByteBuffer src, int at, float[] dst, int to, int count) {
    requireBlocks(count);
    switch (this) {
      case F32 -> {
        for (int i = 0; i < count; i++) {
          dst[to + i] = Float.intBitsToFloat(BlockCodecs.u16(src, at + 4 * i) | BlockCodecs.u16(src, at + 4 * i + 2) << 16);
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          dst[to + i] = Half.toFloat(BlockCodecs.u16(src, at + 2 * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          dst[to + i] = Half.bf16ToFloat(BlockCodecs.u16(src, at + 2 * i));
        }
      }
      default -> {
        for (int b = 0; b < count / blockSize; b++) {
          dequantizeBlock(src, at + b * blockBytes, dst, to + b * blockSize);
        }
      }
    }
  }

  /** Decodes one block ({@link #blockSize()} values) from {@code src} at byte {@code at} into {@code dst} from {@code to}. */
  public void dequantizeBlock(ByteBuffer src, int at, float[] dst, int to) {
    switch (this) {
      case Q8_0 -> BlockCodecs.dequantizeQ8_0(src, at, dst, to);
      case Q4_0 -> BlockCodecs.dequantizeQ4_0(src, at, dst, to);
      case Q5_0 -> BlockCodecs.dequantizeQ5_0(src, at, dst, to);
      case Q4_K -> BlockCodecs.dequantizeQ4_K(src, at, dst, to);
      case Q6_K -> BlockCodecs.dequantizeQ6_K(src, at, dst, to);
      default -> dequantize(src, at, dst, to, 1);
    }
  }

  /**
   * Encodes {@code count} values (whole blocks) of {@code src} from {@code from} into {@code dst} at byte
   * {@code at}: floats rounded to nearest even; Q8_0, Q5_0 and Q4_0 by ggml's reference quantizers (bit-exact
   * with llama.cpp's and gguf-py's); Q4_K and Q6_K by a faithful quantizer, every value within half its
   * sub-block's step of the input.
   */
  public void quantize(float[] src, int from, int count, ByteBuffer dst, int at) {
    requireBlocks(count);
    for (int b = 0; b < count / blockSize; b++) {
      int x = from + b * blockSize;
      int o = at + b * blockBytes;
      switch (this) {
        case F32 -> {
          int bits = Float.floatToRawIntBits(src[x]);
          BlockCodecs.put16(dst, o, (short) bits);
          BlockCodecs.put16(dst, o + 2, (short) (bits >>> 16));
        }
        case F16 -> BlockCodecs.put16(dst, o, Half.fromFloat(src[x]));
        case BF16 -> BlockCodecs.put16(dst, o, Half.bf16FromFloat(src[x]));
        case Q8_0 -> BlockCodecs.quantizeQ8_0(src, x, dst, o);
        case Q4_0 -> BlockCodecs.quantizeQ4_0(src, x, dst, o);
        case Q5_0 -> BlockCodecs.quantizeQ5_0(src, x, dst, o);
        case Q4_K -> BlockCodecs.quantizeQ4_K(src, x, dst, o);
        case Q6_K -> BlockCodecs.quantizeQ6_K(src, x, dst, o);
      }
    }
  }

  /**
   * The dot product of {@code count} stored values (whole blocks, e.g. one row of a weight matrix) at byte
   * {@code at} with {@code x} from {@code from}, accumulated in float32 block by block.
   */
  public float dot(ByteBuffer src, int at, float[] x, int from, int count) {
    requireBlocks(count);
    int chunk = quantized() ? blockSize : Math.min(count, 256);
    float[] values = new float[Math.max(chunk, 1)];
    float sum = 0;
    for (int i = 0; i < count; i += chunk) {
      int n = Math.min(chunk, count - i);
      dequantize(src, at + (int) bytes(i), values, 0, n);
      for (int j = 0; j < n; j++) {
        sum += values[j] * x[from + i + j];
      }
    }
    return sum;
  }

  private void requireBlocks(int count) {
    if (count < 0 || count % blockSize != 0) {
      throw new IllegalArgumentException(count + " values are not a whole number of " + this + " blocks of " + blockSize);
    }
  }
}
