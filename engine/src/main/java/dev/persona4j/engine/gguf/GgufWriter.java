package dev.persona4j.engine.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes a GGUF v3 file as llama.cpp reads it: the header, the metadata in the order it was put (a key put
 * again replaces its value in place), the tensor infos, then each tensor's data, every tensor starting at a
 * multiple of the alignment (32, the format's default). Tensor data is asked for only while the file is
 * written, one tensor at a time, so a model larger than memory can be converted.
 *
 * <p>Not thread-safe; one writer writes one file.
 */
public final class GgufWriter {
  /** The alignment of tensor data, GGUF's default. */
  public static final int ALIGNMENT = 32;
  private static final int VERSION = 3;

  private record Value(ValueType type, ValueType elementType, Object value) {}

  private record Entry(String name, GgufType type, long[] dims, long bytes, Supplier<ByteBuffer> data) {}

  private final Map<String, Value> metadata = new LinkedHashMap<>();
  private final Map<String, Entry> tensors = new LinkedHashMap<>();

  /** A writer with no metadata and no tensors. */
  public GgufWriter() {}

  private GgufWriter put(String key, ValueType type, ValueType element, Object value) {
    Objects.requireNonNull(key, "key");
    metadata.put(key, new Value(type, element, Objects.requireNonNull(value, key)));
    return this;
  }

  /** Whether a value was put under {@code key}. */
  public boolean has(String key) {
    return metadata.containsKey(key);
  }

  /** A string value. */
  public GgufWriter putString(String key, String value) {
    return put(key, ValueType.STRING, null, value);
  }

  /** An unsigned 32-bit value. */
  public GgufWriter putUint32(String key, long value) {
    if (value < 0 || value > 0xffffffffL) {
      throw new IllegalArgumentException(key + ": " + value + " does not fit uint32");
    }
    return put(key, ValueType.UINT32, null, value);
  }

  /** A float32 value. */
  public GgufWriter putFloat32(String key, float value) {
    return put(key, ValueType.FLOAT32, null, value);
  }

  /** A boolean value. */
  public GgufWriter putBool(String key, boolean value) {
    return put(key, ValueType.BOOL, null, value);
  }

  /** An array of strings. */
  public GgufWriter putStrings(String key, List<String> values) {
    return put(key, ValueType.ARRAY, ValueType.STRING, List.copyOf(values));
  }

  /** An array of int32 values. */
  public GgufWriter putInt32s(String key, List<Integer> values) {
    return put(key, ValueType.ARRAY, ValueType.INT32, List.copyOf(values));
  }

  /**
   * Adds a tensor. {@code dims} are in GGUF's order, row length first; {@code data} gives exactly the tensor's
   * bytes when the file is written.
   *
   * @throws IllegalArgumentException if the name is taken or the row length is not a whole number of blocks
   */
  public GgufWriter tensor(String name, GgufType type, long[] dims, Supplier<ByteBuffer> data) {
    if (tensors.containsKey(name)) {
      throw new IllegalArgumentException("tensor " + name + " was added twice");
    }
    if (dims.length == 0 || dims.length > 4 || dims[0] % type.blockSize() != 0) {
      throw new IllegalArgumentException(name + ": dims " + java.util.Arrays.toString(dims) + " cannot be stored as " + type);
    }
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    tensors.put(name, new Entry(name, type, dims.clone(), type.bytes(n), Objects.requireNonNull(data)));
    return this;
  }

  /**
   * Writes the file.
   *
   * @throws GgufException naming the file (and tensor) when it cannot be written or a tensor's data has the
   *     wrong size
   */
  public void write(Path file) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      Output o = new Output(out);
      o.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
      o.u32(VERSION);
      o.u64(tensors.size());
      o.u64(metadata.size());
      for (Map.Entry<String, Value> e : metadata.entrySet()) {
        o.string(e.getKey());
        o.u32(e.getValue().type().id);
        o.value(e.getValue());
      }
      long offset = 0;
      List<Long> offsets = new ArrayList<>();
      for (Entry t : tensors.values()) {
        o.string(t.name());
        o.u32(t.dims().length);
        for (long d : t.dims()) {
          o.u64(d);
        }
        o.u32(t.type().id());
        o.u64(offset);
        offsets.add(offset);
        offset = align(offset + t.bytes());
      }
      o.pad();
      for (Entry t : tensors.values()) {
        ByteBuffer data = t.data().get().duplicate();
        if (data.remaining() != t.bytes()) {
          throw new GgufException(file, t.name(), "data has " + data.remaining() + " bytes, " + t.type() + " × "
              + java.util.Arrays.toString(t.dims()) + " needs " + t.bytes());
        }
        o.buffer(data);
        o.pad();
      }
    } catch (IOException e) {
      throw new GgufException(file, null, "cannot write: " + e.getMessage(), e);
    }
  }

  private static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /** Little-endian output that counts its bytes, for the padding. */
  private static final class Output {
    private final OutputStream out;
    private final byte[] scratch = new byte[8];
    private long written;

    Output(OutputStream out) {
      this.out = out;
    }

    void bytes(byte[] b) throws IOException {
      out.write(b);
      written += b.length;
    }

    void le(long v, int n) throws IOException {
      for (int i = 0; i < n; i++) {
        scratch[i] = (byte) (v >>> (8 * i));
      }
      out.write(scratch, 0, n);
      written += n;
    }

    void u32(long v) throws IOException {
      le(v, 4);
    }

    void u64(long v) throws IOException {
      le(v, 8);
    }

    void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u64(b.length);
      bytes(b);
    }

    void value(Value v) throws IOException {
      switch (v.type()) {
        case STRING -> string((String) v.value());
        case UINT32 -> u32((Long) v.value());
        case INT32 -> u32((Integer) v.value());
        case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v.value()));
        case BOOL -> le((Boolean) v.value() ? 1 : 0, 1);
        case ARRAY -> {
          List<?> list = (List<?>) v.value();
          u32(v.elementType().id);
          u64(list.size());
          for (Object e : list) {
            value(new Value(v.elementType(), null, e));
          }
        }
        default -> throw new AssertionError(v.type());
      }
    }

    void buffer(ByteBuffer b) throws IOException {
      byte[] chunk = new byte[Math.min(b.remaining(), 1 << 20)];
      while (b.hasRemaining()) {
        int n = Math.min(chunk.length, b.remaining());
        b.get(chunk, 0, n);
        out.write(chunk, 0, n);
        written += n;
      }
    }

    void pad() throws IOException {
      while (written % ALIGNMENT != 0) {
        out.write(0);
        written++;
      }
    }
  }
}
