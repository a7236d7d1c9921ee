package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.checkpoint.Checkpoint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where an architecture's parameters come from: a checkpoint (memory-mapped, shapes checked) or a
 * random initialisation like transformers' {@code _init_weights}. Every parameter keeps its Hugging
 * Face name and shape, so a trained model saves as a checkpoint.
 */
abstract class Weights {
  /** Staging for weights assembled at load: rows are read and transformed this many bytes at a time. */
  static final long STAGING_BYTES = 4L << 20;
  final NDManager manager;
  private final Map<String, NDArray> named = new LinkedHashMap<>();
  private final Map<Float, NDArray> scalars = new HashMap<>();

  Weights(NDManager manager) {
    this.manager = manager;
  }

  /**
   * Whether the weights are frozen for inference: blocks then fuse projections and reshape vectors
   * once, instead of on every call (which keeps the named parameters differentiable leaves).
   */
  abstract boolean frozen();

  /** A matrix stored [rows, cols] (projections [out, in], embeddings [vocab, hidden]). */
  final NDArray matrix(String name, long rows, long cols) {
    return keep(name, loadMatrix(name, rows, cols));
  }

  /** A GPT-2 Conv1D weight, stored [in, out] on disk; returned [out, in] like every projection. */
  final NDArray conv1d(String name, long in, long out) {
    return keep(name, loadConv1d(name, in, out));
  }

  /** A vector: a bias (random init 0) or a norm weight (random init 1). */
  final NDArray vector(String name, long n, float init) {
    return keep(name, loadVector(name, n, init));
  }

  /**
   * Inference only: the tensors [rows[i], cols] stacked by rows into one new engine-owned array
   * [sum(rows), cols], read from the checkpoint without mapping it, with row r taken from row
   * {@code rowOrder[r]} (null: unchanged; a row only moves within a block of {@code block} rows),
   * column c multiplied by {@code inputScale[c]} (null: 1), then rows [0, scaledRows) by {@code
   * rowScale}.
   */
  abstract NDArray assembled(String[] names, long[] rows, long cols, long[] rowOrder, int block,
      float[] inputScale, long scaledRows, float rowScale);

  /** Inference only: a vector [n] read into Java (norm weights and biases folded at load). */
  abstract float[] floats(String name, long n);

  /** Called once the architecture has taken what it needs. */
  void loaded() {}

  abstract NDArray loadMatrix(String name, long rows, long cols);

  abstract NDArray loadConv1d(String name, long in, long out);

  abstract NDArray loadVector(String name, long n, float init);

  private NDArray keep(String name, NDArray a) {
    a.setName(name);
    named.put(name, a);
    return a;
  }

  /**
   * A constant scalar array. Ops with a Java number operand cost a scalar-array creation each time
   * (~20 µs through DJL); blocks keep these instead.
   */
  final NDArray scalar(float value) {
    return scalars.computeIfAbsent(value, v -> manager.create(v.floatValue()));
  }

  /** Every parameter by Hugging Face name, in creation order. */
  Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(named);
  }

  /** Weights read from a checkpoint; float32 tensors are handed to the engine without a copy. */
  static final class FromCheckpoint extends Weights {
    private final Checkpoint checkpoint;
    private final boolean frozen;
    /**
     * The mapped buffers the engine reads without a copy, by the array reading each: a buffer must
     * stay reachable while its array lives.
     */
    private final Map<NDArray, ByteBuffer> keepAlive = new java.util.IdentityHashMap<>();

    FromCheckpoint(Checkpoint checkpoint, NDManager manager, boolean frozen) {
      super(manager);
      this.checkpoint = checkpoint;
      this.frozen = frozen;
    }

    @Override
    boolean frozen() {
      return frozen;
    }

    private NDArray create(ByteBuffer b, Shape shape) {
      NDArray a = manager.create(b, shape, DataType.FLOAT32);
      keepAlive.put(a, b);
      return a;
    }

    /**
     * Lets go of the buffers of arrays already closed (projections fused or folded into copies at
     * load), so their mappings can be unmapped and the memory returned.
     */
    @Override
    void loaded() {
      keepAlive.keySet().removeIf(NDArray::isReleased);
    }

    @Override
    NDArray loadMatrix(String name, long rows, long cols) {
      return create(checkpoint.floatBytes(name, rows, cols), new Shape(rows, cols));
    }

    /**
     * Reads through a small direct staging buffer (a few MB, rows in whole blocks) and copies into
     * an array the engine allocates: neither the Java direct-memory limit (-Xmx by default) nor
     * the checkpoint's mapped pages grow with the model.
     */
    @Override
    NDArray assembled(String[] names, long[] rows, long cols, long[] rowOrder, int block,
        float[] inputScale, long scaledRows, float rowScale) {
      long total = 0;
      for (long r : rows) {
        total += r;
      }
      int c = Math.toIntExact(cols);
      long perChunk = Math.max(block, (STAGING_BYTES / (4L * c)) / block * block);
      ByteBuffer staging = ByteBuffer.allocateDirect(Math.toIntExact(Math.min(perChunk, maxOf(rows)) * c * 4))
          .order(ByteOrder.nativeOrder());
      NDArray out = manager.create(new Shape(total, cols), DataType.FLOAT32);
      try (NDArray scale = inputScale == null ? null : manager.create(inputScale, new Shape(1, cols))) {
        long at = 0; // first row of the current tensor in the stacked array
        for (int i = 0; i < names.length; i++) {
          if (rowOrder != null && rows[i] % block != 0) {
            throw new IllegalStateException(names[i] + ": " + rows[i] + " rows are not whole blocks of " + block);
          }
          for (long from = 0; from < rows[i]; from += perChunk) {
            int n = Math.toIntExact(Math.min(perChunk, rows[i] - from));
            long g = at + from; // stacked index of the chunk's first row
            ByteBuffer chunk = staging.clear().limit(n * c * 4).slice().order(ByteOrder.nativeOrder());
            checkpoint.readFloats(names[i], from * cols, chunk.duplicate(), rows[i], cols);
            if (rowOrder != null) {
              reorder(chunk.asFloatBuffer(), g, n, c, rowOrder);
            }
            try (NDArray part = manager.create(chunk, new Shape(n, cols), DataType.FLOAT32)) {
              if (scale != null) {
                part.muli(scale);
              }
              long scaled = Math.min(n, scaledRows - g);
              if (scaled == n) {
                part.muli(rowScale);
              } else if (scaled > 0) {
                ByteBuffer head = chunk.duplicate().limit(Math.toIntExact(scaled * c * 4)).slice().order(ByteOrder.nativeOrder());
                try (NDArray headRows = manager.create(head, new Shape(scaled, cols), DataType.FLOAT32)) {
                  headRows.muli(rowScale);
                }
              }
              out.set(new NDIndex().addSliceDim(g, g + n), part);
            }
          }
          at += rows[i];
        }
      }
      return out;
    }

    /** Rows [g, g + n) of the stacked array, in the chunk: row r becomes old row rowOrder[r]. */
    private static void reorder(java.nio.FloatBuffer f, long g, int n, int c, long[] rowOrder) {
      float[] before = new float[n * c];
      f.get(0, before);
      for (int r = 0; r < n; r++) {
        long src = rowOrder[Math.toIntExact(g + r)] - g;
        if (src < 0 || src >= n) {
          throw new IllegalStateException("row " + (g + r) + " would come from another block");
        }
        f.put(r * c, before, Math.toIntExact(src * c), c);
      }
    }

    private static long maxOf(long[] values) {
      long m = 0;
      for (long v : values) {
        m = Math.max(m, v);
      }
      return m;
    }

    @Override
    float[] floats(String name, long n) {
      return checkpoint.floats(name, n);
    }

    @Override
    NDArray loadConv1d(String name, long in, long out) {
      ByteBuffer src = checkpoint.floatBytes(name, in, out).order(ByteOrder.nativeOrder());
      ByteBuffer dst = ByteBuffer.allocateDirect((int) (in * out * 4)).order(ByteOrder.nativeOrder());
      // transpose once at load, so every projection is W·x with W [out, in]
      for (int i = 0; i < in; i++) {
        for (int o = 0; o < out; o++) {
          dst.putFloat((int) ((o * in + i) * 4), src.getFloat((int) ((i * out + o) * 4)));
        }
      }
      return create(dst, new Shape(out, in));
    }

    @Override
    NDArray loadVector(String name, long n, float init) {
      return create(checkpoint.floatBytes(name, n), new Shape(n));
    }
  }

  /** Random initialisation: normal(0, initializer_range) matrices, zero biases, unit norms. */
  static final class Random extends Weights {
    private final SplittableRandom random;
    private final double std;

    Random(NDManager manager, long seed, double std) {
      super(manager);
      this.random = new SplittableRandom(seed);
      this.std = std;
    }

    @Override
    boolean frozen() {
      return false;
    }

    @Override
    NDArray loadMatrix(String name, long rows, long cols) {
      float[] v = new float[Math.toIntExact(rows * cols)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (random.nextGaussian() * std);
      }
      return manager.create(v, new Shape(rows, cols));
    }

    @Override
    NDArray loadConv1d(String name, long in, long out) {
      return loadMatrix(name, out, in);
    }

    @Override
    NDArray assembled(String[] names, long[] rows, long cols, long[] rowOrder, int block,
        float[] inputScale, long scaledRows, float rowScale) {
      throw new IllegalStateException("random weights are never frozen");
    }

    @Override
    float[] floats(String name, long n) {
      throw new IllegalStateException("random weights are never frozen");
    }

    @Override
    NDArray loadVector(String name, long n, float init) {
      return manager.full(new Shape(n), init, DataType.FLOAT32);
    }
  }
}
