package dev.persona4j.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The one configured Jackson {@link ObjectMapper} of persona4j's modules: every file the library or
 * its examples read or write as JSON goes through it, so they all agree on the settings (duplicate
 * keys rejected, as a lying safetensors header or config must not pass).
 *
 * <p>Not API: this package is internal to persona4j (it is not in the exported packages) and may
 * change in any release. A mapper is thread-safe once configured; nobody reconfigures this one.
 *
 * <p>Input files (configs, tokenizer files, personas, cards) are read through {@link #readInput}:
 * regular files only (a FIFO would block, a device never end) and no larger than a limit checked
 * before anything is parsed, each limit settable by a system property.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectWriter PRETTY = MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT);
  /**
   * Parsers for documents with tens of thousands of distinct field names, such as a tokenizer's
   * vocabulary: Jackson's name table would grow to hold them all (38 MB of garbage for a 49k-token
   * vocabulary, measured) only to drop it when the parser closes. Duplicate keys are rejected here too.
   */
  private static final JsonFactory WITHOUT_NAME_TABLE = JsonFactory.builder()
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Json() {}

  /**
   * A streaming parser over {@code json} that keeps no table of field names (see {@link
   * #WITHOUT_NAME_TABLE}): for a document whose keys are mostly distinct, such as a vocabulary. Read
   * subtrees from it with {@code mapper().readTree(parser)}.
   */
  public static JsonParser parserWithoutNameTable(byte[] json) throws IOException {
    return WITHOUT_NAME_TABLE.createParser(json);
  }

  /** The shared mapper: read, write, build and convert trees with it; never reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * The limit a system property sets (bytes, or with a {@code K}, {@code M} or {@code G} suffix),
   * else {@code defaultBytes}.
   *
   * @throws IllegalArgumentException naming the property when its value is not a positive size
   */
  public static long limit(String property, long defaultBytes) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      return defaultBytes;
    }
    String t = v.trim().toUpperCase(Locale.ROOT);
    long unit = t.endsWith("K") ? 1L << 10 : t.endsWith("M") ? 1L << 20 : t.endsWith("G") ? 1L << 30 : 1;
    try {
      long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("system property " + property + "=" + v + " is not a positive size in bytes");
  }

  /**
   * Reads an input file whole: a regular file of at most the limit {@link #limit(String, long)}
   * gives. Each problem goes to {@code error} as a message without the file's name (the caller's
   * exception names it) and the cause, if any, and what it returns is thrown.
   */
  public static byte[] readInput(Path file, String limitProperty, long defaultLimit,
      BiFunction<String, Exception, ? extends RuntimeException> error) {
    long limit = limit(limitProperty, defaultLimit);
    if (!Files.exists(file)) {
      throw error.apply("file not found", null);
    }
    if (!Files.isRegularFile(file)) {
      throw error.apply("not a regular file (" + (Files.isDirectory(file) ? "a directory" : "a pipe, socket or device")
          + "); only regular files are read", null);
    }
    try {
      long size = Files.size(file);
      if (size > limit) {
        throw error.apply(tooLarge(size, limit, limitProperty), null);
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > limit) {
          throw error.apply(tooLarge(bytes.length, limit, limitProperty) + " (it grew while read)", null);
        }
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw error.apply("file not found", e);
    } catch (IOException e) {
      throw error.apply("cannot read: " + e, e);
    }
  }

  /** Why a file of {@code size} bytes is refused. */
  public static String tooLarge(long size, long limit, String limitProperty) {
    return String.format(Locale.ROOT, "%,d bytes is more than the limit of %,d bytes (system property %s)",
        size, limit, limitProperty);
  }

  /** A writer that indents, for files people read (reports, head summaries, configs). */
  public static ObjectWriter pretty() {
    return PRETTY;
  }
}
