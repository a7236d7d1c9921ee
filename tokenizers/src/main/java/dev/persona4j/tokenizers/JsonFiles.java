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

  static byte[] read(Path file) {
    try {
      return java.nio.file.Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TokenizerException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  static JsonNode parse(Path file, byte[] bytes) {
    try {
      JsonNode root = Json.mapper().readTree(bytes);
      if (root == null || root.isMissingNode()) {
        throw new TokenizerException(file, "empty file, expected JSON");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new TokenizerException(file, "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TokenizerException(file, "cannot read: " + e.getMessage(), e);
    }
  }
}
