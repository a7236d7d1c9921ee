package dev.persona4j.engine;

import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufTensor;
import dev.persona4j.engine.gguf.GgufType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A GGUF file's tensors under their Hugging Face names ({@link GgufFile#hfName}: phi3's fused qkv and
 * gate/up included), read into arrays the engine owns in their stored type: F32, F16 and BF16 as the
 * float kinds, Q8_0, Q5_0, Q4_0, Q4_K and Q6_K as {@link QuantizedMatrix}; llama's Q/K row permutation undone
 * ({@link GgufFile#rowData}). Norms and biases come as float32. A missing {@code output.weight} means tied
 * embeddings, which the config already says; a quantized token embedding is looked up row by row.
 */
final class GgufWeights implements WeightSource {
  private final GgufFile gguf;
  private final Map<String, GgufTensor> byHfName = new HashMap<>();
  /**
   * Per Q8_0 matrix not yet read, the levels and the scales its panels need: Q8_0 matrices share
   * slabs (a byte array of levels and a float array of scales), as a checkpoint's F32 matrices do.
   * One pair of arrays per matrix cost 11 young collections and a fifth of the bench model's Q8_0
   * load (measured).
   */
  private final Map<String, Long> unreadLevels = new HashMap<>();
  private final Map<String, Long> unreadScales = new HashMap<>();
  private byte[] levelSlab = new byte[0];
  private int levelsUsed;
  private float[] scaleSlab = new float[0];
  private int scalesUsed;

  GgufWeights(GgufFile gguf) {
    this.gguf = gguf;
    for (GgufTensor t : gguf.tensors().values()) {
      gguf.hfName(t).ifPresent(name -> {
        byHfName.put(name, t);
        long[] shape = t.shape();
        if (t.type() == GgufType.Q8_0 && Q8PanelMatrix.supported() && shape.length == 2
            && shape[0] > 0 && shape[0] <= Integer.MAX_VALUE && shape[1] > 0 && shape[1] <= Integer.MAX_VALUE) {
          int rows = (int) shape[0];
          int cols = (int) shape[1];
          unreadLevels.put(name, Q8PanelMatrix.storedLevels(rows, cols));
          unreadScales.put(name, Q8PanelMatrix.storedScales(rows, cols));
        }
      });
    }
  }

  /** An empty Q8_0 matrix in panels, in the current slabs or new ones sized for every Q8_0 matrix not yet read. */
  private RowFilled q8(String name, int rows, int cols) {
    unreadLevels.remove(name);
    unreadScales.remove(name);
    long levels = Q8PanelMatrix.storedLevels(rows, cols);
    long scales = Q8PanelMatrix.storedScales(rows, cols);
    if (levels > SLAB_UNITS || scales > SLAB_UNITS) {
      return Q8PanelMatrix.empty(rows, cols);
    }
    if (levelSlab.length - levelsUsed < levels || scaleSlab.length - scalesUsed < scales) {
      levelSlab = new byte[WeightSource.slabSize(unreadLevels, levels)];
      levelsUsed = 0;
      scaleSlab = new float[WeightSource.slabSize(unreadScales, scales)];
      scalesUsed = 0;
    }
    Q8PanelMatrix m = Q8PanelMatrix.in(rows, cols, levelSlab, levelsUsed, scaleSlab, scalesUsed);
    levelsUsed += (int) levels;
    scalesUsed += (int) scales;
    return m;
  }

  /**
   * Bytes of a matrix's tensor read at a time: the matrix is filled a stretch of rows at a time from
   * one reused buffer. Reading each tensor whole put the largest (the token embedding, 30 MB of the
   * bench's Q8_0 file) in the old generation, resident for good after the load.
   */
  static final int STAGING_BYTES = 2 << 20;

  private ByteBuffer staging;

  /** The quantized tensor decoded into {@code m} a stretch of rows at a time. */
  private WeightMatrix fill(GgufTensor t, RowFilled m, int rows, int cols) {
    int rowBytes = Math.toIntExact(t.type().bytes(cols));
    int step = m.rowsPerFill();
    int stretch = Math.max(step, STAGING_BYTES / rowBytes / step * step);
    for (int r = 0; r < rows; r += stretch) {
      staging = gguf.rowData(t, r, Math.min(stretch, rows - r), staging);
      m.fill(r, staging);
    }
    return m;
  }

  /** The tensor the Hugging Face name stands for, after checking its shape. */
  private GgufTensor tensor(String name, long... shape) {
    GgufTensor t = byHfName.get(name);
    if (t == null) {
      throw new CheckpointException(gguf.file(), name, "tensor missing (the model config needs it)");
    }
    if (!Arrays.equals(t.shape(), shape)) {
      throw new CheckpointException(gguf.file(), t.name(), "shape " + Arrays.toString(t.shape())
          + " (Hugging Face order) does not match the config, expected " + Arrays.toString(shape));
    }
    return t;
  }

  @Override
  public WeightMatrix matrix(String name, int rows, int cols) {
    GgufTensor t = tensor(name, rows, cols);
    try {
      if (t.type().quantized()) {
        RowFilled m = t.type() == GgufType.Q8_0 && Q8PanelMatrix.supported() ? q8(name, rows, cols) : QuantizedMatrix.empty(t.type(), rows, cols);
        return fill(t, m, rows, cols);
      }
      return switch (t.type()) {
        case F32 -> {
          F32Matrix m = F32Matrix.empty(rows, cols);
          fillPanels(t, rows, cols, 4, float[]::new, (b, v, n) -> b.asFloatBuffer().get(v, 0, n), m::fillPanel);
          yield m;
        }
        case F16, BF16 -> {
          HalfMatrix.Format format = t.type() == GgufType.F16 ? HalfMatrix.Format.F16 : HalfMatrix.Format.BF16;
          HalfMatrix m = HalfMatrix.in(format, new int[Math.toIntExact(HalfMatrix.storedInts(rows, cols))], 0, rows, cols);
          fillPanels(t, rows, cols, 2, short[]::new, (b, v, n) -> b.asShortBuffer().get(v, 0, n), m::fillPanel);
          yield m;
        }
        default -> throw new IllegalArgumentException(t.type() + " matrices are not supported");
      };
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(gguf.file(), t.name(), e.getMessage(), e);
    }
  }

  /** Reads count values from a stretch's bytes into a value array. */
  private interface Values<A> {
    void get(ByteBuffer from, A into, int count);
  }

  /**
   * An F32, F16 or BF16 tensor into a matrix's panels a stretch of whole panels at a time, through one
   * value array of a stretch: whole, it was held three times over at once (bytes, values, panels).
   */
  private <A> void fillPanels(GgufTensor t, int rows, int cols, int valueBytes, IntFunction<A> allocate, Values<A> values,
      PanelFill<A> fill) {
    int p = PanelMatrix.P;
    int stretch = Math.max(p, STAGING_BYTES / (cols * valueBytes) / p * p);
    A block = allocate.apply(Math.multiplyExact(Math.min(stretch, rows), cols));
    for (int r = 0; r < rows; r += stretch) {
      int n = Math.min(stretch, rows - r);
      staging = gguf.rowData(t, r, n, staging);
      values.get(staging, block, n * cols);
      for (int i = 0; i * p < n; i++) {
        fill.fill(r / p + i, block, i * p * cols);
      }
    }
  }

  @Override
  public WeightMatrix transposed(String name, int in, int out) {
    throw new CheckpointException(gguf.file(), name, "GGUF files hold [out, in] matrices only (no Conv1D layout)");
  }

  @Override
  public float[] vector(String name, int n) {
    return gguf.floats(tensor(name, n));
  }
}
