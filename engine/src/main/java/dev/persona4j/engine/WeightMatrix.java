package dev.persona4j.engine;

/**
 * A weight matrix [rows, cols] held in its stored type (F32, F16, BF16, or a block-quantized
 * format), multiplied by a batch of float32 vectors: the one kernel every projection, and the
 * output head, runs. Row r is the weights of output feature r (nn.Linear's [out, in] layout).
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>{@link #multiply} computes {@code out[b][outOffset + r] = Σ_c W[r][c]·x[b][c]} for every
 *       {@code b < batch} and {@code rowStart ≤ r < rowEnd}, accumulating in float32 (or wider);
 *       it writes nothing else. It reads each row (each quantized block) of the range once for
 *       all batch rows, so a batch of 8 costs little more memory traffic than a batch of 1.
 *   <li>Dequantization is exact: the value used for W[r][c] is the stored value decoded, with no
 *       rounding beyond what the format stores; {@link #row} returns those same values.
 *   <li>Immutable after construction; {@link #multiply} and {@link #row} are called concurrently
 *       from several threads on disjoint row ranges, and must not allocate per call beyond small
 *       scratch.
 * </ul>
 *
 * <p>{@link #f32}, {@link #f16} and {@link #bf16} make the unquantized kinds; the engine splits a
 * product over its threads by row ranges.
 */
public interface WeightMatrix {
  /** Number of rows (output features). */
  int rows();

  /** Number of columns (input features). */
  int cols();

  /** Bytes this matrix holds in memory (its weights as stored, plus any scale tables). */
  long bytes();

  /**
   * {@code out[b][outOffset + r] = Σ_c W[r][c]·x[b][c]} for {@code b < batch}, {@code rowStart ≤ r
   * < rowEnd}.
   *
   * @param x at least {@code batch} rows of at least {@link #cols()} values
   * @param out at least {@code batch} rows of at least {@code outOffset + rowEnd} values
   */
  void multiply(float[][] x, int batch, float[][] out, int outOffset, int rowStart, int rowEnd);

  /** Writes row {@code row}, decoded to float32, into {@code dst[offset .. offset + cols)}. */
  void row(int row, float[] dst, int offset);

  /** A float32 matrix over {@code values} (row-major, not copied: the caller hands it over). */
  static WeightMatrix f32(int rows, int cols, float[] values) {
    return new F32Matrix(rows, cols, values);
  }

  /**
   * A float16 matrix from its IEEE binary16 bit patterns (row-major); infinities and NaNs are
   * rejected, since no trained weight holds them.
   *
   * @throws IllegalArgumentException naming the first non-finite element
   */
  static WeightMatrix f16(int rows, int cols, short[] bits) {
    return HalfMatrix.of(HalfMatrix.Format.F16, rows, cols, bits);
  }

  /** A bfloat16 matrix from its bit patterns (the upper halves of float32s), row-major. */
  static WeightMatrix bf16(int rows, int cols, short[] bits) {
    return HalfMatrix.of(HalfMatrix.Format.BF16, rows, cols, bits);
  }
}
