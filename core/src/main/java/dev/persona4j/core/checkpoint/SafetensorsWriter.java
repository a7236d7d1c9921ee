package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects float32 and int64 tensors and writes them as one safetensors file, in the order they
 * were added. The file is written to a temporary sibling and moved into place, so a reader never
 * sees half a file.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .metadata("format", "pt")
 *     .putF32("probe.weight", new long[] {1, 64}, weights)
 *     .write(dir.resolve("head.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<Entry> entries = new ArrayList<>();

  private record Entry(String name, DType dtype, long[] shape, Object data) {}

  /** Adds a {@code __metadata__} string. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Adds a float32 tensor; {@code data} is copied. */
  public SafetensorsWriter putF32(String name, long[] shape, float[] data) {
    check(name, shape, data.length);
    entries.add(new Entry(name, DType.F32, shape.clone(), data.clone()));
    return this;
  }

  /** Adds an int64 tensor; {@code data} is copied. */
  public SafetensorsWriter putI64(String name, long[] shape, long[] data) {
    check(name, shape, data.length);
    entries.add(new Entry(name, DType.I64, shape.clone(), data.clone()));
    return this;
  }

  private void check(String name, long[] shape, int length) {
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
    if (n != length) {
      throw new IllegalArgumentException(
          name + ": shape " + Arrays.toString(shape) + " holds " + n + " values, got " + length);
    }
  }

  /**
   * Writes the file (replacing any existing one).
   *
   * @throws CheckpointException if the file cannot be written
   */
  public void write(Path file) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Entry e : entries) {
      ObjectNode t = header.putObject(e.name);
      t.put("dtype", e.dtype.name());
      ArrayNode shape = t.putArray("shape");
      long n = 1;
      for (long d : e.shape) {
        shape.add(d);
        n *= d;
      }
      long len = n * e.dtype.bytes();
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] headerBytes;
    try {
      headerBytes = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException(file, "header", "cannot encode: " + e, e);
    }
    // Pad the header with spaces so the data section starts 8-byte aligned, as the format advises.
    int padded = (headerBytes.length + 7) & ~7;
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(len.array());
        out.write(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
          out.write(' ');
        }
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
          if (e.data instanceof float[] f) {
            for (float v : f) {
              if (chunk.remaining() < 4) {
                flush(out, chunk);
              }
              chunk.putFloat(v);
            }
          } else {
            for (long v : (long[]) e.data) {
              if (chunk.remaining() < 8) {
                flush(out, chunk);
              }
              chunk.putLong(v);
            }
          }
        }
        flush(out, chunk);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the original failure is what matters
        }
      }
      throw new CheckpointException(file, null, "cannot write: " + e, e);
    }
  }

  private static void flush(OutputStream out, ByteBuffer chunk) throws IOException {
    out.write(chunk.array(), 0, chunk.position());
    chunk.clear();
  }
}
