package dev.persona4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile checkpoints fail fast with typed errors naming the file and the field or limit: configs
 * that would size huge allocations, headers that would exhaust the heap, FIFOs that would block.
 */
class HostileCheckpointTest {
  @TempDir Path tmp;

  private Path copy(String model) throws IOException {
    Path dst = tmp.resolve(model);
    Files.createDirectories(dst);
    try (var files = Files.list(Fixtures.model(model))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, dst.resolve(f.getFileName()));
      }
    }
    return dst;
  }

  private static void editConfig(Path dir, String from, String to) throws IOException {
    Path c = dir.resolve("config.json");
    String text = Files.readString(c);
    assertTrue(text.contains(from), from);
    Files.writeString(c, text.replace(from, to));
  }

  /** Once an OutOfMemoryError after 11 s. */
  @Test
  void anInsaneHeadDimFailsOnTheConfigBeforeAnyAllocation() throws IOException {
    Path dir = copy("llama");
    editConfig(dir, "\"head_dim\": 16", "\"head_dim\": 1000000000");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals(dir.resolve("config.json"), e.file());
    assertEquals("head_dim", e.location().orElseThrow());
    assertTrue(e.getMessage().contains("sane maximum"), e.getMessage());
  }

  @Test
  void aHeadDimTheWeightsDoNotHaveFailsOnTheTensorShapeBeforeAnyWeightIsRead() throws IOException {
    Path dir = copy("llama");
    editConfig(dir, "\"head_dim\": 16", "\"head_dim\": 2048");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals(dir.resolve("model.safetensors"), e.file());
    assertTrue(e.location().orElseThrow().endsWith("q_proj.weight"), e.getMessage());
  }

  /** Once 1.7 GB of heap (OutOfMemoryError with -Xmx512m). */
  @Test
  void aHeaderOfAMillionZeroSizeTensorsIsRefusedByItsLength() throws IOException {
    Path file = tmp.resolve("many.safetensors");
    StringBuilder header = new StringBuilder("{");
    for (int i = 0; i < 1_000_000; i++) {
      header.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
    }
    byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.open(file));
    assertEquals(file, e.file());
    assertEquals("header", e.location().orElseThrow());
    assertTrue(e.getMessage().contains("limit of 8,388,608 bytes") && e.getMessage().contains(SafetensorsReader.HEADER_LIMIT),
        e.getMessage());
  }

  @Test
  void aConfigPastTheSizeLimitIsNotParsed() throws IOException {
    Path dir = copy("llama");
    Path config = dir.resolve("config.json");
    String text = Files.readString(config);
    Files.writeString(config, text.replaceFirst("\\{", "{\"padding\": \"" + "x".repeat(17 << 20) + "\","));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
    assertEquals(config, e.file());
    assertTrue(e.getMessage().contains("limit of 16,777,216 bytes"), e.getMessage());
  }

  /** Once a hang: opening a FIFO for reading blocks until a writer comes. */
  @Test
  void aFifoInPlaceOfTheWeightsOrTheConfigIsATypedError() throws Exception {
    Path dir = copy("llama");
    Path weights = dir.resolve("model.safetensors");
    Files.delete(weights);
    assumeTrue(mkfifo(weights), "mkfifo is not available here");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals(weights, e.file());
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    Path config = dir.resolve("config.json");
    Files.delete(config);
    assumeTrue(mkfifo(config));
    CheckpointException c = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals(config, c.file());
    assertTrue(c.getMessage().contains("not a regular file"), c.getMessage());
  }

  static boolean mkfifo(Path at) {
    try {
      return new ProcessBuilder("mkfifo", at.toString()).inheritIO().start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
