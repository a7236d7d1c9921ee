package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.checkpoint.Checkpoint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The checkpoint's tensors as engine arrays for inference. Every array owns its values: matrices are
 * read from the file through a small staging buffer into arrays the engine allocates, vectors are
 * copied. Nothing stays mapped, so a weights file replaced, overwritten or truncated while its model
 * is loaded changes nothing (a mapping would give SIGBUS on a truncated file and silently different
 * logits on an overwritten one).
 */
final class Weights {
  /** Staging for weights assembled at load: rows are read and transformed this many bytes at a time. */
  static final long STAGING_BYTES = 4L << 20;
  final NDManager manager;
  private final Map<Float, NDArray> scalars = new HashMap<>();
  private final Checkpoint checkpoint;

  Weights(Checkpoint checkpoint, NDManager manager) {
    this.checkpoint = checkpoint;
    this.manager = manager;
  }

  /**
   * A constant scalar array. Ops with a Java number operand cost a scalar-array creation each time
   * (~20 µs through DJL); blocks keep these instead.
   */
  NDArray scalar(float value) {
    return scalars.computeIfAbsent(value, v -> manager.create(v.floatValue()));
  }

  /** Checks a tensor's shape from the checkpoint's header, reading nothing. */
  void checkShape(String name, long... shape) {
    checkpoint.checkShape(name, shape);
  }

  /** A matrix stored [rows, cols], read into an array the engine owns. */
  NDArray matrix(String name, long rows, long cols) {
    return assembled(new String[] {name}, new long[] {rows}, cols, null, 1, null, 0, 1f);
  }

  /**
   * The tensors [rows[i], cols] stacked by rows into one new engine-owned array [sum(rows), cols],
   * with row r taken from row {@code rowOrder[r]} (null: unchanged; a row only moves within a block
   * of {@code block} rows), column c multiplied by {@code inputScale[c]} (null: 1), then rows [0,
   * scaledRows) by {@code rowScale}.
   *
   * <p>Reads through a small direct staging buffer (a few MB, rows in whole blocks) and copies into
   * an array the engine allocates: neither the Java direct-memory limit (-Xmx by default) nor
   * any other buffer grows with the model.
   */
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

  /** A vector [n] read into Java (folded into other weights at load). */
  float[] floats(String name, long n) {
    return checkpoint.floats(name, n);
  }

  /** A GPT-2 Conv1D weight stored [in, out], returned [out, in] like every projection. */
  NDArray conv1d(String name, long in, long out) {
    float[] src = checkpoint.floats(name, in, out);
    float[] dst = new float[src.length];
    // transpose once at load, so every projection is W·x with W [out, in]
    int rows = Math.toIntExact(in);
    int cols = Math.toIntExact(out);
    for (int i = 0; i < rows; i++) {
      for (int o = 0; o < cols; o++) {
        dst[o * rows + i] = src[i * cols + o];
      }
    }
    return manager.create(dst, new Shape(out, in));
  }

  /** A vector [n] (a bias or a norm weight), copied into the engine. */
  NDArray vector(String name, long n) {
    return manager.create(checkpoint.floats(name, n), new Shape(n));
  }
}
