package dev.persona4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/** Test resources and the reference fixtures. */
final class TestFiles {
  static final ObjectMapper JSON = Json.mapper();

  private TestFiles() {}

  /** A directory under src/test/resources. */
  static Path resource(String relative) {
    try {
      return Paths.get(TestFiles.class.getResource("/" + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + relative, e);
    }
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code ../shared/fixtures/hf-reference} beside the repository root (the directory holding {@code .ci}),
   * where CI puts the third-party fixtures; empty when absent.
   */
  static Optional<Path> sharedReference() {
    Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve(".ci"))) {
      dir = dir.getParent();
    }
    if (dir == null || dir.getParent() == null) {
      return Optional.empty();
    }
    Path shared = dir.getParent().resolve("shared/fixtures/hf-reference");
    if (Files.isDirectory(shared)) {
      return Optional.of(shared);
    }
    // A worktree lives under <root>/wt/<name>; the shared folder is then beside <root>.
    for (Path up = dir.getParent(); up != null; up = up.getParent()) {
      Path candidate = up.resolve("shared/fixtures/hf-reference");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** An int64 tensor of a safetensors file, as ints. */
  static int[] readI64(Path file, String tensor) {
    try {
      byte[] all = Files.readAllBytes(file);
      ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
      int headerLength = Math.toIntExact(buf.getLong(0));
      JsonNode header = JSON.readTree(new String(all, 8, headerLength, StandardCharsets.UTF_8));
      JsonNode entry = header.get(tensor);
      if (entry == null || !"I64".equals(entry.path("dtype").asText())) {
        throw new IllegalArgumentException(file + " has no I64 tensor " + tensor);
      }
      long begin = entry.get("data_offsets").get(0).asLong();
      long end = entry.get("data_offsets").get(1).asLong();
      int[] out = new int[Math.toIntExact((end - begin) / 8)];
      int base = 8 + headerLength + Math.toIntExact(begin);
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.toIntExact(buf.getLong(base + 8 * i));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
