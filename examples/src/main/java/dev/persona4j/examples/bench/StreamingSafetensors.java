package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an fp32 safetensors file tensor by tensor, generating each tensor's values in small chunks, so a
 * half-gigabyte checkpoint never exists in the Java heap. Layout: 8-byte little-endian header length, the
 * JSON header (padded with spaces to a multiple of 8), then the data in header order.
 */
final class StreamingSafetensors {
  /** Fills {@code out} (whose remaining() is the count to produce) with the next values of one tensor. */
  interface ValueSource {
    void fill(FloatBuffer out);
  }

  private record Entry(String name, long[] shape, ValueSource source) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private static final int CHUNK_FLOATS = 1 << 18; // 1 MiB per write

  private final List<Entry> entries = new ArrayList<>();

  /** Declares the next tensor; values are drawn from {@code source} when {@link #write} runs. */
  StreamingSafetensors add(String name, long[] shape, ValueSource source) {
    entries.add(new Entry(name, shape.clone(), source));
    return this;
  }

  /** The header JSON (unpadded) for the declared tensors. */
  String header() throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", Map.of("format", "pt"));
    long offset = 0;
    for (Entry e : entries) {
      long bytes = e.elements() * Float.BYTES;
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", "F32");
      info.put("shape", e.shape());
      info.put("data_offsets", new long[] {offset, offset + bytes});
      header.put(e.name(), info);
      offset += bytes;
    }
    return new ObjectMapper().writeValueAsString(header);
  }

  /** Writes the file; returns the number of data bytes (the weights). */
  long write(Path file) throws IOException {
    byte[] json = header().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    long dataBytes = 0;
    ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(channel, head);
      for (Entry e : entries) {
        long remaining = e.elements();
        while (remaining > 0) {
          int n = (int) Math.min(remaining, CHUNK_FLOATS);
          chunk.clear();
          FloatBuffer floats = chunk.asFloatBuffer();
          floats.limit(n);
          e.source().fill(floats);
          if (floats.hasRemaining()) {
            throw new IllegalStateException("value source for " + e.name() + " left " + floats.remaining()
                + " values unwritten");
          }
          chunk.limit(n * Float.BYTES);
          writeFully(channel, chunk);
          remaining -= n;
        }
        dataBytes += e.elements() * Float.BYTES;
      }
    }
    return dataBytes;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
