package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a safetensors file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the data. The header is validated completely when the
 * file is opened (bounded size, valid JSON, known dtypes, ranges inside the file and not
 * overlapping, dtype × shape = byte length), so that reading a tensor later cannot fail on a lie in
 * the header.
 *
 * <p>Tensor data is read, never memory-mapped: every buffer and array returned owns its bytes, so a
 * file replaced, overwritten or truncated after it was read cannot change them or fault the process
 * (a mapping gives SIGBUS on a truncated file). Half-precision tensors (F16, BF16) are widened to
 * float32 in Java, since the PyTorch engine aborts the JVM on bfloat16 arrays.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SafetensorsReader {
  /** The format's own limit on the header (100 MB); anything larger is a corrupt or hostile file. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
  /** System property: the largest header read, in bytes (default 8 MiB, at most {@link #MAX_HEADER_BYTES}). */
  public static final String HEADER_LIMIT = "persona4j.limit.safetensorsHeaderBytes";

  private final Path file;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsReader(
      Path file, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.file = file;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens and validates {@code file}.
   *
   * @throws CheckpointException if the file is missing, unreadable, truncated, or its header is
   *     invalid; the message names the file and the tensor or field at fault
   */
  public static SafetensorsReader open(Path file) {
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      // a FIFO would block the open and the reads for ever
      throw new CheckpointException(file, null, "not a regular file (a directory, pipe, socket or device)");
    }
    long headerLimit = Math.min(MAX_HEADER_BYTES, Json.limit(HEADER_LIMIT, 8L << 20));
    long size;
    byte[] header;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
      if (size < 8) {
        throw new CheckpointException(
            file, null, "truncated: " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long n = len.getLong(0);
      if (n > headerLimit && n <= size - 8) {
        throw new CheckpointException(file, "header", Json.tooLarge(n, headerLimit, HEADER_LIMIT)
            + "; a real header lists each tensor in ~100 bytes");
      }
      if (n <= 0 || n > MAX_HEADER_BYTES || n > size - 8) {
        throw new CheckpointException(
            file,
            "header",
            "header length "
                + Long.toUnsignedString(n)
                + " is impossible (file has "
                + size
                + " bytes, limit "
                + MAX_HEADER_BYTES
                + ")");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) n);
      readFully(ch, buf, 8);
      header = buf.array();
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, null, "file not found", e);
    } catch (IOException e) {
      throw new CheckpointException(file, null, "cannot read: " + e, e);
    }
    long dataStart = 8L + header.length;
    long dataLength = size - dataStart;

    JsonNode root;
    try {
      root = Json.mapper().readTree(new String(header, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new CheckpointException(
          file, "header", "not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file, "header", "must be a JSON object");
    }

    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, TensorInfo> tensors = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          throw new CheckpointException(file, "__metadata__", "must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          if (!kv.getValue().isTextual()) {
            throw new CheckpointException(
                file, "__metadata__." + kv.getKey(), "must be a string, got " + kv.getValue());
          }
          metadata.put(kv.getKey(), kv.getValue().asText());
        }
        continue;
      }
      tensors.put(name, parseEntry(file, name, v, dataLength));
    }
    checkNoOverlap(file, tensors);
    return new SafetensorsReader(
        file, dataStart, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
  }

  private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataLength) {
    if (!v.isObject()) {
      throw new CheckpointException(file, name, "header entry must be an object, got " + v);
    }
    JsonNode dt = v.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw new CheckpointException(file, name + ".dtype", "missing or not a string");
    }
    DType dtype =
        DType.fromName(dt.asText())
            .orElseThrow(
                () -> new CheckpointException(file, name + ".dtype", "unknown dtype " + dt));
    JsonNode sh = v.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new CheckpointException(file, name + ".shape", "missing or not an array");
    }
    long[] shape = new long[sh.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
        throw new CheckpointException(
            file, name + ".shape", "dimension " + i + " is not a non-negative integer: " + d);
      }
      shape[i] = d.asLong();
      try {
        elements = Math.multiplyExact(elements, shape[i]);
      } catch (ArithmeticException ex) {
        throw new CheckpointException(file, name + ".shape", "element count overflows: " + sh);
      }
    }
    JsonNode off = v.get("data_offsets");
    if (off == null || !off.isArray() || off.size() != 2) {
      throw new CheckpointException(file, name + ".data_offsets", "missing or not [begin, end]");
    }
    for (JsonNode o : off) {
      if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
        throw new CheckpointException(
            file, name + ".data_offsets", "not a non-negative integer: " + off);
      }
    }
    long begin = off.get(0).asLong();
    long end = off.get(1).asLong();
    if (begin > end || end > dataLength) {
      throw new CheckpointException(
          file,
          name + ".data_offsets",
          "range "
              + off
              + " lies outside the data section of "
              + dataLength
              + " bytes (file truncated or header corrupt)");
    }
    long expected;
    try {
      expected = Math.multiplyExact(elements, dtype.bytes());
    } catch (ArithmeticException ex) {
      throw new CheckpointException(file, name + ".shape", "byte length overflows: " + sh);
    }
    if (end - begin != expected) {
      throw new CheckpointException(
          file,
          name,
          "dtype "
              + dtype
              + " × shape "
              + sh
              + " needs "
              + expected
              + " bytes but data_offsets "
              + off
              + " span "
              + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static void checkNoOverlap(Path file, Map<String, TensorInfo> tensors) {
    List<TensorInfo> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    TensorInfo prev = null;
    for (TensorInfo t : sorted) {
      if (t.byteLength() == 0) {
        continue;
      }
      if (prev != null && t.begin() < prev.end()) {
        throw new CheckpointException(
            file,
            t.name(),
            "data range ["
                + t.begin()
                + ", "
                + t.end()
                + ") overlaps tensor "
                + prev.name()
                + " ["
                + prev.begin()
                + ", "
                + prev.end()
                + ")");
      }
      prev = t;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + buf.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  /** The file this reader reads. */
  public Path file() {
    return file;
  }

  /** The {@code __metadata__} string map of the header (empty if absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Names of all tensors, sorted. */
  public Set<String> names() {
    return tensors.keySet();
  }

  /** Whether the file holds a tensor of this name. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * Where the named tensor is.
   *
   * @throws CheckpointException naming the file and tensor if there is no such tensor
   */
  TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(file, name, "tensor not found");
    }
    return t;
  }

  /**
   * The named tensor's shape.
   *
   * @throws CheckpointException naming the file and tensor if there is no such tensor
   */
  public long[] shape(String name) {
    return info(name).shape();
  }

  /**
   * The named tensor's element type as the format names it: {@code F32}, {@code BF16}, {@code I64}, ...
   *
   * @throws CheckpointException naming the file and tensor if there is no such tensor
   */
  public String dtype(String name) {
    return info(name).dtype().name();
  }

  /**
   * The tensor's values as float32 in native byte order, in a new direct buffer positioned at 0 that
   * owns them (F16 and BF16 widened).
   *
   * @throws CheckpointException if the tensor is missing or not a floating-point type
   */
  public ByteBuffer floatBytes(String name) {
    TensorInfo t = info(name);
    if (!t.dtype().readableAsFloat()) {
      throw new CheckpointException(
          file, name, "dtype " + t.dtype() + " cannot be read as float32 (expected F32, F16 or BF16)");
    }
    int n = (int) t.elementCount();
    if (t.dtype() == DType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      return read(t, true).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer raw = read(t, false).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    switch (t.dtype()) {
      case F32 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(i * 4, raw.getFloat(i * 4));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(i * 4, Float.intBitsToFloat((raw.getShort(i * 2) & 0xffff) << 16));
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(i * 4, halfToFloat(raw.getShort(i * 2)));
        }
      }
      default -> throw new AssertionError(t.dtype());
    }
    return out;
  }

  /**
   * Reads {@code dst.remaining() / 4} of the tensor's values, from element {@code first} on, as
   * float32 in native byte order into {@code dst} (whose position advances to its limit), without
   * reading the rest of the tensor: for weights assembled through a small staging buffer.
   *
   * @throws CheckpointException if the tensor is missing, not floating point, or dst too small
   */
  public void readFloats(String name, long first, ByteBuffer dst) {
    TensorInfo t = info(name);
    if (!t.dtype().readableAsFloat()) {
      throw new CheckpointException(
          file, name, "dtype " + t.dtype() + " cannot be read as float32 (expected F32, F16 or BF16)");
    }
    int bytes = dst.remaining() & ~3;
    if (first < 0 || first * 4 + bytes > t.elementCount() * 4) {
      throw new CheckpointException(file, name, "elements [" + first + ", " + (first + bytes / 4)
          + ") are outside the tensor's " + t.elementCount());
    }
    if (t.dtype() != DType.F32 || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      dst.put(floatBytes(name).duplicate().clear().position((int) (first * 4)).limit((int) (first * 4) + bytes));
      return;
    }
    ByteBuffer target = dst.slice().limit(bytes);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      checkSize(ch, t);
      readFully(ch, target, dataStart + t.begin() + first * 4);
    } catch (IOException e) {
      throw new CheckpointException(file, name, "cannot read tensor data: " + e, e);
    }
    dst.position(dst.position() + bytes);
  }

  /**
   * Reads {@code dst.remaining()} bytes of the tensor as stored (its own dtype, little-endian),
   * from byte {@code first} of the tensor on, into {@code dst} (whose position advances to its
   * limit), with positional file reads: for engines that keep weights in their stored type in
   * memory they own.
   *
   * @throws CheckpointException naming the file and tensor if it is missing or the range is outside it
   */
  public void readStored(String name, long first, ByteBuffer dst) {
    TensorInfo t = info(name);
    int bytes = dst.remaining();
    if (first < 0 || first + bytes > t.byteLength()) {
      throw new CheckpointException(file, name, "bytes [" + first + ", " + (first + bytes) + ") are outside the tensor's "
          + t.byteLength());
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      checkSize(ch, t);
      ByteBuffer target = dst.slice();
      readFully(ch, target, dataStart + t.begin() + first);
    } catch (IOException e) {
      throw new CheckpointException(file, name, "cannot read tensor data: " + e, e);
    }
    dst.position(dst.position() + bytes);
  }

  /**
   * IEEE 754 binary16 to float32, exact (Java 17 has no Float.float16ToFloat); the one conversion
   * every reader of 16-bit weights uses.
   */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // zero or subnormal: mant * 2^-24, exact in float32
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The tensor's values as a float array (F32, F16 or BF16 widened), row-major. */
  public float[] floats(String name) {
    TensorInfo t = info(name);
    if (t.dtype() != DType.F32) {
      ByteBuffer b = floatBytes(name);
      float[] out = new float[b.capacity() / 4];
      b.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
      return out;
    }
    float[] out = new float[(int) t.elementCount()];
    read(t, false).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** The tensor's values as longs (I64 or I32 widened), row-major. */
  public long[] longs(String name) {
    TensorInfo t = info(name);
    ByteBuffer raw = read(t, false).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) t.elementCount();
    long[] out = new long[n];
    switch (t.dtype()) {
      case I64 -> raw.asLongBuffer().get(out);
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = raw.getInt(i * 4);
        }
      }
      default -> throw new CheckpointException(
          file, name, "dtype " + t.dtype() + " cannot be read as integers (expected I64 or I32)");
    }
    return out;
  }

  /** The tensor's values as ints (I64 or I32; I64 values must fit in an int). */
  public int[] ints(String name) {
    long[] l = longs(name);
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      if (l[i] != (int) l[i]) {
        throw new CheckpointException(file, name, "value " + l[i] + " at " + i + " does not fit in int");
      }
      out[i] = (int) l[i];
    }
    return out;
  }

  /** Copies of reads go through this much at a time (the JDK stages a heap read in a direct buffer of its size). */
  private static final int READ_CHUNK = 1 << 20;

  /** The tensor's bytes, read into a new buffer (direct or heap) that owns them, positioned at 0. */
  private ByteBuffer read(TensorInfo t, boolean direct) {
    if (t.byteLength() > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(
          file, t.name(), "tensor of " + t.byteLength() + " bytes exceeds the 2 GiB buffer limit");
    }
    int length = (int) t.byteLength();
    ByteBuffer out = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      checkSize(ch, t);
      long position = dataStart + t.begin();
      while (out.hasRemaining()) {
        ByteBuffer chunk = out.duplicate().limit(Math.min(out.capacity(), out.position() + READ_CHUNK));
        readFully(ch, chunk, position);
        out.position(chunk.position());
      }
    } catch (IOException e) {
      throw new CheckpointException(file, t.name(), "cannot read tensor data: " + e, e);
    }
    return out.clear();
  }

  private void checkSize(FileChannel ch, TensorInfo t) throws IOException {
    if (ch.size() < dataStart + t.end()) {
      throw new CheckpointException(file, t.name(), "file was truncated after it was opened");
    }
  }
}
