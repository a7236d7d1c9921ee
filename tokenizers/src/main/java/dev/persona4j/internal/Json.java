package dev.persona4j.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one configured Jackson {@link ObjectMapper} of persona4j's modules: every file the library or
 * its examples read or write as JSON goes through it, so they all agree on the settings (duplicate
 * keys rejected, as a lying safetensors header or config must not pass).
 *
 * <p>Not API: this package is internal to persona4j (it is not in the exported packages) and may
 * change in any release. A mapper is thread-safe once configured; nobody reconfigures this one.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectWriter PRETTY = MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** The shared mapper: read, write, build and convert trees with it; never reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A writer that indents, for files people read (reports, head summaries, configs). */
  public static ObjectWriter pretty() {
    return PRETTY;
  }
}
