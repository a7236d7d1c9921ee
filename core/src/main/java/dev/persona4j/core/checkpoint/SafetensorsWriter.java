package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Collects float32 and int64 tensors and writes them as one safetensors file, in the order they
 * were added. The file is written to a temporary sibling and moved into place, so a reader never
 * sees half a file. A tensor too large to hold may be {@linkplain #putF32(String, long[],
 * FloatSource) streamed}: its values are drawn chunk by chunk while the file is written, so a
 * half-gigabyte checkpoint never exists in the heap.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .metadata("format", "pt")
 *     .putF32("probe.weight", new long[] {1, 64}, weights)
 *     .write(dir.resolve("head.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {
  /** Values are written in chunks of this many bytes (a multiple of every dtype's width). */
  private static final int CHUNK_BYTES = 1 << 20;

  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<Entry> entries = new ArrayList<>();

  /**
   * Produces a streamed tensor's values in order, a chunk at a time, while the file is written.
   */
  @FunctionalInterface
  public interface FloatSource {
    /** Fills {@code out} completely: its {@code remaining()} is the number of next values. */
    void fill(FloatBuffer out);
  }

  /** Puts up to {@code count} values, from element {@code start} on, into {@code chunk}; how many. */
  @FunctionalInterface
  private interface Values {
    int put(ByteBuffer chunk, long start, int count);
  }

  private record Entry(String name, DType dtype, long[] shape, long elements, Values values) {}

  /** Adds a {@code __metadata__} string. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Adds a float32 tensor; {@code data} is copied. */
  public SafetensorsWriter putF32(String name, long[] shape, float[] data) {
    float[] copy = data.clone();
    return add(name, DType.F32, shape, copy.length, (chunk, start, count) -> {
      chunk.asFloatBuffer().put(copy, (int) start, count);
      return count;
    });
  }

  /**
   * Adds a float32 tensor whose values {@code source} produces when the file is written, in
   * chunks; a source that leaves part of a chunk unfilled fails the write.
   */
  public SafetensorsWriter putF32(String name, long[] shape, FloatSource source) {
    Objects.requireNonNull(source, "source");
    return add(name, DType.F32, shape, -1, (chunk, start, count) -> {
      FloatBuffer out = chunk.asFloatBuffer().limit(count);
      source.fill(out);
      return out.position();
    });
  }

  /** Adds an int64 tensor; {@code data} is copied. */
  public SafetensorsWriter putI64(String name, long[] shape, long[] data) {
    long[] copy = data.clone();
    return add(name, DType.I64, shape, copy.length, (chunk, start, count) -> {
      chunk.asLongBuffer().put(copy, (int) start, count);
      return count;
    });
  }

  private SafetensorsWriter add(String name, DType dtype, long[] shape, long length, Values values) {
    entries.add(new Entry(name, dtype, shape.clone(), check(name, shape, length), values));
    return this;
  }

  /** Checks name and shape, and that the shape holds {@code length} values (-1: any); the count. */
  private long check(String name, long[] shape, long length) {
    Objects.requireNonNull(name, "name");
    if (name.equals("__metadata__") || name.isEmpty()) {
      throw new IllegalArgumentException("invalid tensor name: '" + name + "'");
    }
    for (Entry e : entries) {
      if (e.name.equals(name)) {
        throw new IllegalArgumentException("duplicate tensor name: " + name);
      }
    }
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (length >= 0 && n != length) {
      throw new IllegalArgumentException(
          name + ": shape " + Arrays.toString(shape) + " holds " + n + " values, got " + length);
    }
    return n;
  }

  /**
   * Writes the file (replacing any existing one).
   *
   * @throws CheckpointException if the file cannot be written
   */
  public void write(Path file) {
    ObjectNode header = Json.mapper().createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Entry e : entries) {
      ObjectNode t = header.putObject(e.name);
      t.put("dtype", e.dtype.name());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.shape) {
        shape.add(d);
      }
      long len = e.elements * e.dtype.bytes();
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] headerBytes;
    try {
      headerBytes = Json.mapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException(file, "header", "cannot encode: " + e, e);
    }
    // Pad the header with spaces so the data section starts 8-byte aligned, as the format advises.
    int padded = (headerBytes.length + 7) & ~7;
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // A plain new file (0666 less the umask), not createTempFile's owner-only 0600: it becomes the result.
      tmp = dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(len.array());
        out.write(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
          out.write(' ');
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
          int perChunk = CHUNK_BYTES / e.dtype.bytes();
          for (long start = 0; start < e.elements; start += perChunk) {
            int count = (int) Math.min(perChunk, e.elements - start);
            chunk.clear();
            int filled = e.values.put(chunk, start, count);
            if (filled != count) {
              throw new CheckpointException(file, e.name, "the value source filled " + filled
                  + " of the " + count + " values from element " + start);
            }
            out.write(chunk.array(), 0, count * e.dtype.bytes());
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the original failure is what matters
        }
      }
      if (e instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      throw new CheckpointException(file, null, "cannot write: " + e, e);
    }
  }
}
