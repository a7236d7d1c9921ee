package dev.persona4j.engine.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a GGUF header sequentially through a small window over the file, checking every length against the
 * bytes left in the file before anything is allocated, so that a lying count fails fast and cheaply.
 */
final class HeaderInput {
  /** Longest string accepted (a chat template or a key); anything longer is a corrupt file. */
  static final long MAX_STRING_BYTES = 64L * 1024 * 1024;
  /** Deepest nesting of arrays accepted. */
  static final int MAX_ARRAY_DEPTH = 2;

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final ByteBuffer window = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
  private long windowStart;
  private long position;

  HeaderInput(Path file, FileChannel channel, long size) {
    this.file = file;
    this.channel = channel;
    this.size = size;
    window.limit(0);
  }

  long position() {
    return position;
  }

  long remaining() {
    return size - position;
  }

  /** Makes {@code n} bytes available in the window at the current position, or fails naming {@code what}. */
  private void need(int n, String what) throws IOException {
    if (n > remaining()) {
      throw new GgufException(file, what, "file truncated: needs " + n + " more bytes at offset " + position
          + ", file has " + size);
    }
    long offsetInWindow = position - windowStart;
    if (offsetInWindow >= 0 && offsetInWindow + n <= window.limit()) {
      return;
    }
    window.clear();
    windowStart = position;
    int want = (int) Math.min(window.capacity(), size - position);
    window.limit(want);
    while (window.hasRemaining()) {
      if (channel.read(window, windowStart + window.position()) < 0) {
        throw new GgufException(file, what, "file truncated while reading at offset " + position);
      }
    }
    window.flip();
  }

  private int at() {
    return (int) (position - windowStart);
  }

  int u8(String what) throws IOException {
    need(1, what);
    int v = window.get(at()) & 0xff;
    position += 1;
    return v;
  }

  int i16(String what) throws IOException {
    need(2, what);
    int v = window.getShort(at());
    position += 2;
    return v;
  }

  int i32(String what) throws IOException {
    need(4, what);
    int v = window.getInt(at());
    position += 4;
    return v;
  }

  long u32(String what) throws IOException {
    return i32(what) & 0xffffffffL;
  }

  long i64(String what) throws IOException {
    need(8, what);
    long v = window.getLong(at());
    position += 8;
    return v;
  }

  /**
   * A length or count: an unsigned 64-bit value that must be at most {@code limit}, and at most the bytes left
   * in the file divided by {@code unitBytes} (the least size of one counted item).
   */
  long count(String what, long unitBytes, long limit) throws IOException {
    long n = i64(what);
    long fits = remaining() / Math.max(1, unitBytes);
    if (n < 0 || n > limit || n > fits) {
      throw new GgufException(file, what, "count " + Long.toUnsignedString(n) + " is impossible: file truncated or header corrupt (at most "
          + Math.min(limit, fits) + " fit in the " + remaining() + " bytes left of the file)");
    }
    return n;
  }

  String string(String what) throws IOException {
    int n = (int) count(what, 1, MAX_STRING_BYTES);
    byte[] bytes = new byte[n];
    int done = 0;
    while (done < n) {
      int chunk = Math.min(n - done, window.capacity());
      need(chunk, what);
      window.get(at(), bytes, done, chunk);
      position += chunk;
      done += chunk;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new GgufException(file, what, "string of " + n + " bytes is not valid UTF-8");
    }
  }

  /** A metadata value of type {@code type}, as a Java value (see {@link GgufFile#metadata()}). */
  Object value(ValueType type, String what, int depth) throws IOException {
    return switch (type) {
      case UINT8 -> u8(what);
      case INT8 -> (int) (byte) u8(what);
      case UINT16 -> i16(what) & 0xffff;
      case INT16 -> i16(what);
      case UINT32 -> u32(what);
      case INT32 -> i32(what);
      case FLOAT32 -> Float.intBitsToFloat(i32(what));
      case BOOL -> {
        int b = u8(what);
        if (b > 1) {
          throw new GgufException(file, what, "boolean byte is " + b + ", not 0 or 1");
        }
        yield b == 1;
      }
      case STRING -> string(what);
      case UINT64, INT64 -> i64(what);
      case FLOAT64 -> Double.longBitsToDouble(i64(what));
      case ARRAY -> {
        if (depth >= MAX_ARRAY_DEPTH) {
          throw new GgufException(file, what, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
        }
        ValueType element = valueType(what);
        long n = count(what, element.minBytes(), Integer.MAX_VALUE - 8);
        List<Object> values = new ArrayList<>((int) Math.min(n, 1 << 16));
        for (long i = 0; i < n; i++) {
          values.add(value(element, what, depth + 1));
        }
        yield values;
      }
    };
  }

  ValueType valueType(String what) throws IOException {
    long id = u32(what);
    return ValueType.ofId(id).orElseThrow(() -> new GgufException(file, what, "unknown value type " + id));
  }
}
