package dev.persona4j.tokenizers;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.file.Path;

/** Reads the tokenizer's JSON files, reporting malformed ones by file, line and column. */
final class JsonFiles {
  private JsonFiles() {}

  /** System property: the largest tokenizer.json read, in bytes (default 64 MiB). */
  static final String TOKENIZER_LIMIT = "persona4j.limit.tokenizerBytes";
  /** System property: the largest other tokenizer file (config, chat template) read, in bytes (default 16 MiB). */
  static final String CONFIG_LIMIT = "persona4j.limit.configBytes";

  /** A tokenizer config or template file: a regular file within the config limit. */
  static byte[] read(Path file) {
    return read(file, CONFIG_LIMIT, 16L << 20);
  }

  /** A regular file within the limit the property sets, checked before anything is parsed. */
  static byte[] read(Path file, String limitProperty, long defaultLimit) {
    return Json.readInput(file, limitProperty, defaultLimit,
        (problem, cause) -> new TokenizerException(file, problem, cause));
  }

  /** The error for a file Jackson cannot parse: where, and what it found. */
  static TokenizerException malformed(Path file, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new TokenizerException(file, "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
  }

  static JsonNode parse(Path file, byte[] bytes) {
    try {
      JsonNode root = Json.mapper().readTree(bytes);
      if (root == null || root.isMissingNode()) {
        throw new TokenizerException(file, "empty file, expected JSON");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw malformed(file, e);
    } catch (IOException e) {
      throw new TokenizerException(file, "cannot read: " + e.getMessage(), e);
    }
  }
}
