package dev.persona4j.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of fixture files with mutated headers (flipped bytes, overwritten counts and lengths, truncations;
 * a fixed seed, so every run tries the same files): opening each either succeeds or fails with a
 * {@link GgufException}, never another exception or an out-of-memory error.
 */
class GgufFuzzTest {
  private static final int MUTATIONS = 3000;

  @TempDir Path tmp;

  @Test
  void mutatedHeadersGiveOnlyTypedErrors() throws IOException {
    Path fixture = GgufFixtures.gguf("mistral", "Q4_0");
    byte[] original = Files.readAllBytes(fixture);
    int header = (int) GgufFile.open(fixture).dataOffset();
    Path file = tmp.resolve("mutated.gguf");
    Files.write(file, original);
    Random random = new Random(10);
    int opened = 0;
    int typed = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] head = Arrays.copyOf(original, header);
      int kind = random.nextInt(4);
      Path target = file;
      switch (kind) {
        case 0 -> { // flip a few bytes
          for (int n = 1 + random.nextInt(3); n > 0; n--) {
            head[random.nextInt(header)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> { // a wild 64-bit count, length or offset
          ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN)
              .putLong(random.nextInt(header - 8), random.nextBoolean() ? random.nextLong() : random.nextInt(1 << 20));
        }
        case 2 -> { // a wild 32-bit type or dimension count
          ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN)
              .putInt(random.nextInt(header - 4), random.nextInt(64) - 8);
        }
        default -> { // truncated anywhere
          target = tmp.resolve("truncated.gguf");
          Files.write(target, Arrays.copyOf(original, random.nextInt(original.length)));
        }
      }
      if (target == file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(head), 0);
        }
      }
      try {
        GgufFile.open(target);
        opened++;
      } catch (GgufException e) {
        typed++;
      } catch (Throwable t) {
        throw new AssertionError("mutation " + i + " (kind " + kind + ") threw " + t, t);
      }
    }
    System.out.printf("GGUF fuzz: %d mutated files, %d opened, %d typed errors%n", MUTATIONS, opened, typed);
    assertTrue(typed > MUTATIONS / 2, "most mutations must be caught, " + typed + " were");
  }
}
