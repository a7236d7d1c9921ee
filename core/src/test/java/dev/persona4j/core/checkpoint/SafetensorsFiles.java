package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/** Builds broken safetensors files from real ones, for bad-input tests. */
final class SafetensorsFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsFiles() {}

  static ObjectNode header(Path file) {
    try {
      byte[] all = Files.readAllBytes(file);
      long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      return (ObjectNode) JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] data(Path file) {
    try {
      byte[] all = Files.readAllBytes(file);
      long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      return Arrays.copyOfRange(all, 8 + (int) n, all.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies {@code src} to {@code dst} with its header edited. */
  static void editHeader(Path src, Path dst, Consumer<ObjectNode> edit) {
    ObjectNode header = header(src);
    edit.accept(header);
    write(dst, header.toString().getBytes(StandardCharsets.UTF_8), data(src));
  }

  static void write(Path dst, byte[] header, byte[] data) {
    ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(header.length).put(header).put(data);
    try {
      Files.write(dst, out.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a model directory (regular files only). */
  static Path copyModel(Path src, Path dst) {
    try {
      Files.createDirectories(dst);
      try (var files = Files.list(src)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, dst.resolve(f.getFileName()));
          dst.resolve(f.getFileName()).toFile().setWritable(true);
        }
      }
      return dst;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
