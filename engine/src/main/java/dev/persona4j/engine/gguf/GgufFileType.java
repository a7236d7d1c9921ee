package dev.persona4j.engine.gguf;

import java.util.Optional;

/**
 * What a whole GGUF file is quantized to, as llama.cpp's {@code general.file_type} names it, and which
 * {@link GgufType} each tensor gets: 1-D tensors (norms, biases) are always F32; a matrix whose row length is
 * not a whole number of a K-quant's 256-value blocks falls back to Q8_0 (llama.cpp picks Q5_0 for Q4_K and
 * Q8_0 for Q6_K there; this engine reads both, so llama.cpp's own files load, but writes Q8_0, which keeps more
 * bits, never fewer), and to F16 where
 * rows are not whole 32-value blocks either; {@link #Q4_K_M} mixes Q6_K into Q4_K the way llama.cpp's
 * Q4_K_M does.
 */
public enum GgufFileType {
  /** Every tensor float32. */
  F32(0, GgufType.F32),
  /** Matrices binary16. */
  F16(1, GgufType.F16),
  /** Matrices Q4_0. */
  Q4_0(2, GgufType.Q4_0),
  /** Matrices Q8_0. */
  Q8_0(7, GgufType.Q8_0),
  /** Matrices Q5_0. */
  Q5_0(8, GgufType.Q5_0),
  /** Matrices Q4_K (llama.cpp's Q4_K_S). */
  Q4_K(14, GgufType.Q4_K),
  /**
   * Matrices Q4_K, except Q6_K for the output head (the token embedding when tied) and for {@code attn_v}
   * and {@code ffn_down} in llama.cpp's "more bits" layers (the first and last eighth, and every third between).
   */
  Q4_K_M(15, GgufType.Q4_K),
  /** Matrices Q6_K. */
  Q6_K(18, GgufType.Q6_K),
  /** Matrices bfloat16. */
  BF16(32, GgufType.BF16);

  private final int id;
  private final GgufType matrixType;

  GgufFileType(int id, GgufType matrixType) {
    this.id = id;
    this.matrixType = matrixType;
  }

  /** llama.cpp's {@code general.file_type} id. */
  public int id() {
    return id;
  }

  /** The type of most matrices. */
  public GgufType matrixType() {
    return matrixType;
  }

  /** The file type with llama.cpp id {@code id}, if it is one of these. */
  public static Optional<GgufFileType> ofId(long id) {
    return ValueType.byId(values(), t -> t.id, id);
  }

  /**
   * The type of the tensor named {@code name} (llama.cpp's name) with dimensions {@code dims} (row length
   * first), in a model of {@code layers} layers whose embedding is {@code tied} to the output head.
   */
  GgufType typeOf(String name, long[] dims, int layers, boolean tied) {
    if (dims.length < 2 || this == F32) {
      return GgufType.F32;
    }
    GgufType type = matrixType;
    if (this == Q4_K_M) {
      boolean head = name.equals("output.weight") || (tied && name.equals("token_embd.weight"));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("blk\\.(\\d+)\\.(attn_v|ffn_down)\\.weight").matcher(name);
      if (head || (m.matches() && moreBits(Integer.parseInt(m.group(1)), layers))) {
        type = GgufType.Q6_K;
      }
    }
    if (dims[0] % type.blockSize() == 0) {
      return type;
    }
    return dims[0] % GgufType.Q8_0.blockSize() == 0 ? GgufType.Q8_0 : GgufType.F16;
  }

  /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third layer between. */
  static boolean moreBits(int layer, int layers) {
    return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
  }
}
