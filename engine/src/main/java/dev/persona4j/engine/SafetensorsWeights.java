package dev.persona4j.engine;

import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A checkpoint's tensors read into arrays the engine owns, in their stored type: F32 as float[],
 * F16 and BF16 as 16-bit patterns (two bytes a weight, never widened). Reading copies the file
 * through a small staging buffer instead of mapping it, so the weights cannot change under a loaded
 * model and the process holds no mapping.
 */
final class SafetensorsWeights implements WeightSource {
  /** Bytes read from the file at a time, into a direct buffer (a heap one would be copied through a temporary direct one). */
  private static final int STAGING_BYTES = 2 << 20;
  /** Most floats in one slab: 2 GiB (an array's length is an int). */
  private static final int SLAB_FLOATS = 1 << 29;
  private final Checkpoint checkpoint;
  private final Map<Path, SafetensorsReader> readers = new HashMap<>();
  private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  /** Rows of F32 tensors on their way into panels, two blocks reused from matrix to matrix. */
  private final float[][] blocks = {new float[0], new float[0]};
  private final Workers workers;
  /** F32 tensors of two dimensions not yet read: what the slabs are sized by. */
  private final Map<String, Long> unreadF32 = new HashMap<>();
  /**
   * Where F32 matrices' panels go: one array shared by many matrices. With an array per matrix
   * (1–4 MB each on the 135M model), each was allocated young and copied into the old generation
   * by collection after collection while the model loaded: 20 young collections, 0.9 s of a 1.8 s
   * load under the serial collector (measured). A slab as large as the model's F32 weights goes
   * straight to the old generation (or a humongous region), and is copied by no young collection.
   */
  private float[] slab = new float[0];
  private int slabUsed;

  /**
   * @param workers the threads that lay F32 rows out into panels while this thread reads the next
   *     ones
   */
  SafetensorsWeights(Checkpoint checkpoint, Workers workers) {
    this.checkpoint = checkpoint;
    this.workers = workers;
    for (String name : checkpoint.tensorNames()) {
      SafetensorsReader r = reader(name);
      long[] shape = r.shape(name);
      if (shape.length == 2 && r.dtype(name).equals("F32") && shape[0] <= Integer.MAX_VALUE && shape[1] <= Integer.MAX_VALUE) {
        unreadF32.put(name, F32Matrix.storedFloats((int) shape[0], (int) shape[1]));
      }
    }
  }

  /**
   * An empty F32 matrix for tensor {@code name}, in the current slab or a new one sized for every F32
   * matrix not yet read (at most {@link #SLAB_FLOATS}; a matrix larger than that gets an array of its
   * own). A tensor the model never reads would leave a slab's end unused, but a checkpoint holds the
   * tensors of its model.
   */
  private F32Matrix emptyMatrix(String name, int rows, int cols) {
    unreadF32.remove(name);
    long floats = F32Matrix.storedFloats(rows, cols);
    if (floats > SLAB_FLOATS) {
      return F32Matrix.empty(rows, cols);
    }
    if (slab.length - slabUsed < floats) {
      long unread = unreadF32.values().stream().mapToLong(Long::longValue).sum();
      slab = new float[(int) Math.min(SLAB_FLOATS, floats + unread)];
      slabUsed = 0;
    }
    F32Matrix m = F32Matrix.in(slab, slabUsed, rows, cols);
    slabUsed += (int) floats;
    return m;
  }

  private SafetensorsReader reader(String name) {
    return readers.computeIfAbsent(checkpoint.fileOf(name), SafetensorsReader::open);
  }

  /** The tensor's dtype, after checking its shape and that it is a float type. */
  private String checked(String name, long... shape) {
    SafetensorsReader r = reader(name);
    long[] actual = r.shape(name);
    if (!Arrays.equals(actual, shape)) {
      throw new CheckpointException(r.file(), name, "shape " + Arrays.toString(actual) + " does not match the config, expected " + Arrays.toString(shape));
    }
    String dtype = r.dtype(name);
    if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
      throw new CheckpointException(r.file(), name, "dtype " + dtype + " is not a weight type this engine runs (F32, F16, BF16)");
    }
    return dtype;
  }

  @Override
  public WeightMatrix matrix(String name, int rows, int cols) {
    String dtype = checked(name, rows, cols);
    int n = Math.multiplyExact(rows, cols);
    try {
      if (dtype.equals("F32")) {
        return readPanels(name, rows, cols);
      }
      short[] bits = readShorts(name, n);
      return dtype.equals("F16") ? WeightMatrix.f16(rows, cols, bits) : WeightMatrix.bf16(rows, cols, bits);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(reader(name).file(), name, e.getMessage(), e);
    }
  }

  @Override
  public WeightMatrix transposed(String name, int in, int out) {
    String dtype = checked(name, in, out);
    int n = Math.multiplyExact(in, out);
    if (dtype.equals("F32")) {
      float[] stored = readFloats(name, n);
      float[] t = new float[n];
      for (int i = 0; i < in; i++) {
        for (int o = 0; o < out; o++) {
          t[o * in + i] = stored[i * out + o];
        }
      }
      F32Matrix m = emptyMatrix(name, out, in);
      for (int p = 0; p < PanelMatrix.panels(out); p++) {
        m.fillPanel(p, t, p * PanelMatrix.P * in);
      }
      return m;
    }
    short[] stored = readShorts(name, n);
    short[] t = new short[n];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        t[o * in + i] = stored[i * out + o];
      }
    }
    try {
      return dtype.equals("F16") ? WeightMatrix.f16(out, in, t) : WeightMatrix.bf16(out, in, t);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(reader(name).file(), name, e.getMessage(), e);
    }
  }

  @Override
  public float[] vector(String name, int n) {
    String dtype = checked(name, n);
    if (dtype.equals("F32")) {
      return readFloats(name, n);
    }
    HalfMatrix.Format format = dtype.equals("F16") ? HalfMatrix.Format.F16 : HalfMatrix.Format.BF16;
    short[] bits = readShorts(name, n);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = format.decode(bits[i]);
    }
    return out;
  }

  /**
   * An F32 matrix read straight into its panels, a staging buffer's worth of whole panels at a
   * time, laid out by the workers: the tensor is never held in its row-major order as well (which
   * doubled the memory a load touched and the garbage it left). Two blocks alternate: while the
   * workers lay out one, the calling thread reads the next (as the first task of the same split).
   */
  private F32Matrix readPanels(String name, int rows, int cols) {
    F32Matrix m = emptyMatrix(name, rows, cols);
    int panelFloats = PanelMatrix.P * cols;
    int perBlock = Math.max(1, STAGING_BYTES / 4 / panelFloats);
    int panels = PanelMatrix.panels(rows);
    int blockFloats = Math.min(perBlock, panels) * panelFloats;
    for (int i = 0; i < 2; i++) {
      if (blocks[i].length < blockFloats) {
        blocks[i] = new float[blockFloats];
      }
    }
    long total = (long) rows * cols;
    readFloats(name, 0, (int) Math.min(total, (long) perBlock * panelFloats), blocks[0]);
    for (int p0 = 0, k = 0; p0 < panels; p0 += perBlock, k++) {
      int first = p0;
      int count = Math.min(perBlock, panels - p0);
      float[] current = blocks[k % 2];
      float[] next = blocks[(k + 1) % 2];
      long nextFrom = (long) (p0 + perBlock) * panelFloats;
      workers.forEach(count + 1, i -> {
        if (i == 0) {
          if (nextFrom < total) {
            readFloats(name, nextFrom, (int) Math.min(total - nextFrom, (long) perBlock * panelFloats), next);
          }
        } else {
          m.fillPanel(first + i - 1, current, (i - 1) * panelFloats);
        }
      });
    }
    return m;
  }

  private float[] readFloats(String name, int n) {
    float[] out = new float[n];
    readFloats(name, 0, n, out);
    return out;
  }

  /** Floats [first, first + n) of the tensor into out[0, n). */
  private void readFloats(String name, long first, int n, float[] out) {
    SafetensorsReader r = reader(name);
    for (int at = 0; at < n; ) {
      int count = Math.min(n - at, STAGING_BYTES / 4);
      staging.clear().limit(count * 4);
      r.readStored(name, 4L * (first + at), staging);
      staging.flip();
      staging.asFloatBuffer().get(out, at, count);
      at += count;
    }
  }

  private short[] readShorts(String name, int n) {
    short[] out = new short[n];
    SafetensorsReader r = reader(name);
    for (int at = 0; at < n; ) {
      int count = Math.min(n - at, STAGING_BYTES / 2);
      staging.clear().limit(count * 2);
      r.readStored(name, 2L * at, staging);
      staging.flip();
      staging.asShortBuffer().get(out, at, count);
      at += count;
    }
    return out;
  }
}
