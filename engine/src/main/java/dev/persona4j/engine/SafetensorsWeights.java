package dev.persona4j.engine;

import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A checkpoint's tensors read into arrays the engine owns, in their stored type: F32 as float[],
 * F16 and BF16 as 16-bit patterns (two bytes a weight, never widened). Reading copies the file
 * through a small staging buffer instead of mapping it, so the weights cannot change under a loaded
 * model and the process holds no mapping.
 */
final class SafetensorsWeights implements WeightSource {
  /** Bytes read from the file at a time, into a direct buffer (a heap one would be copied through a temporary direct one). */
  private static final int STAGING_BYTES = 2 << 20;
  private final Checkpoint checkpoint;
  private final Map<Path, SafetensorsReader> readers = new HashMap<>();
  private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  /** Rows on their way into panels, two blocks of each kind reused from matrix to matrix. */
  private final float[][] floatBlocks = {new float[0], new float[0]};
  private final short[][] shortBlocks = {new short[0], new short[0]};
  private final Workers workers;
  /** Matrices not yet read, in their slab's units (floats for F32, ints of two halves for F16 and BF16): what slabs are sized by. */
  private final Map<String, Long> unreadFloats = new HashMap<>();
  private final Map<String, Long> unreadInts = new HashMap<>();
  /**
   * Where the matrices' panels go: one array shared by many matrices (one for the F32 ones, one for
   * the 16-bit ones). With an array per matrix (1–4 MB each on the 135M model), each was allocated
   * young and copied into the old generation by collection after collection while the model loaded:
   * 20 young collections, 0.9 s of a 1.8 s load under the serial collector (measured). A slab as large
   * as the model's weights goes straight to the old generation (or a humongous region), and is copied
   * by no young collection.
   */
  private float[] floatSlab = new float[0];
  private int floatsUsed;
  private int[] intSlab = new int[0];
  private int intsUsed;

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
      if (shape.length == 2 && shape[0] <= Integer.MAX_VALUE && shape[1] <= Integer.MAX_VALUE) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        switch (r.dtype(name)) {
          case "F32" -> unreadFloats.put(name, F32Matrix.storedFloats(rows, cols));
          case "F16", "BF16" -> unreadInts.put(name, HalfMatrix.storedInts(rows, cols));
          default -> { }
        }
      }
    }
  }

  /**
   * An empty F32 matrix for tensor {@code name}, in the current slab or a new one sized for every F32
   * matrix not yet read (a matrix larger than {@link WeightSource#SLAB_UNITS} gets an array of its own). A tensor
   * the model never reads would leave a slab's end unused, but a checkpoint holds the tensors of its
   * model.
   */
  private F32Matrix emptyF32(String name, int rows, int cols) {
    unreadFloats.remove(name);
    long floats = F32Matrix.storedFloats(rows, cols);
    if (floats > SLAB_UNITS) {
      return F32Matrix.empty(rows, cols);
    }
    if (floatSlab.length - floatsUsed < floats) {
      floatSlab = new float[WeightSource.slabSize(unreadFloats, floats)];
      floatsUsed = 0;
    }
    F32Matrix m = F32Matrix.in(floatSlab, floatsUsed, rows, cols);
    floatsUsed += (int) floats;
    return m;
  }

  /** {@link #emptyF32} for an F16 or BF16 matrix, in the slab of 16-bit matrices. */
  private HalfMatrix emptyHalf(String name, HalfMatrix.Format format, int rows, int cols) {
    unreadInts.remove(name);
    long ints = HalfMatrix.storedInts(rows, cols);
    if (ints > SLAB_UNITS) {
      return HalfMatrix.in(format, new int[Math.toIntExact(ints)], 0, rows, cols);
    }
    if (intSlab.length - intsUsed < ints) {
      intSlab = new int[WeightSource.slabSize(unreadInts, ints)];
      intsUsed = 0;
    }
    HalfMatrix m = HalfMatrix.in(format, intSlab, intsUsed, rows, cols);
    intsUsed += (int) ints;
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
    try {
      if (dtype.equals("F32")) {
        F32Matrix m = emptyF32(name, rows, cols);
        readPanels(rows, cols, 4, floatBlocks, float[]::new, (first, n, into) -> readFloats(name, first, n, into), m::fillPanel);
        return m;
      }
      HalfMatrix m = emptyHalf(name, format(dtype), rows, cols);
      readPanels(rows, cols, 2, shortBlocks, short[]::new, (first, n, into) -> readShorts(name, first, n, into), m::fillPanel);
      return m;
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
      F32Matrix m = emptyF32(name, out, in);
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
      HalfMatrix m = emptyHalf(name, format(dtype), out, in);
      for (int p = 0; p < PanelMatrix.panels(out); p++) {
        m.fillPanel(p, t, p * PanelMatrix.P * in);
      }
      return m;
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
    HalfMatrix.Format format = format(dtype);
    short[] bits = readShorts(name, n);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = format.decode(bits[i]);
    }
    return out;
  }

  private static HalfMatrix.Format format(String dtype) {
    return dtype.equals("F16") ? HalfMatrix.Format.F16 : HalfMatrix.Format.BF16;
  }

  /** Reads values [first, first + n) of a tensor into block[0, n). */
  private interface BlockRead<A> {
    void read(long first, int n, A block);
  }

  /**
   * A matrix read straight into its panels, a staging buffer's worth of whole panels at a time,
   * laid out by the workers: the tensor is never held in its row-major order as well (which doubled
   * the memory a load touched and the garbage it left). Two blocks alternate: while the workers lay
   * out one, the calling thread reads the next (as the first task of the same split).
   *
   * @param valueBytes 4 (F32) or 2 (F16, BF16)
   * @param blocks the two staging blocks of this element type, replaced here when too small
   */
  private <A> void readPanels(int rows, int cols, int valueBytes, A[] blocks, IntFunction<A> allocate, BlockRead<A> read, PanelFill<A> fill) {
    int panelValues = PanelMatrix.P * cols;
    int perBlock = Math.max(1, STAGING_BYTES / valueBytes / panelValues);
    int panels = PanelMatrix.panels(rows);
    int blockValues = Math.min(perBlock, panels) * panelValues;
    for (int i = 0; i < 2; i++) {
      if (Array.getLength(blocks[i]) < blockValues) { // float[] or short[]
        blocks[i] = allocate.apply(blockValues);
      }
    }
    long total = (long) rows * cols;
    read.read(0, (int) Math.min(total, (long) perBlock * panelValues), blocks[0]);
    for (int p0 = 0, k = 0; p0 < panels; p0 += perBlock, k++) {
      int first = p0;
      int count = Math.min(perBlock, panels - p0);
      A current = blocks[k % 2];
      A next = blocks[(k + 1) % 2];
      long nextFrom = (long) (p0 + perBlock) * panelValues;
      workers.forEach(count + 1, i -> {
        if (i == 0) {
          if (nextFrom < total) {
            read.read(nextFrom, (int) Math.min(total - nextFrom, (long) perBlock * panelValues), next);
          }
        } else {
          fill.fill(first + i - 1, current, (i - 1) * panelValues);
        }
      });
    }
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
    readShorts(name, 0, n, out);
    return out;
  }

  /** 16-bit values [first, first + n) of the tensor into out[0, n). */
  private void readShorts(String name, long first, int n, short[] out) {
    SafetensorsReader r = reader(name);
    for (int at = 0; at < n; ) {
      int count = Math.min(n - at, STAGING_BYTES / 2);
      staging.clear().limit(count * 2);
      r.readStored(name, 2L * (first + at), staging);
      staging.flip();
      staging.asShortBuffer().get(out, at, count);
      at += count;
    }
  }
}
