package dev.persona4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterStreamingTest {
  @TempDir Path tmp;

  @Test
  void streamedTensorSpanningSeveralChunksReadsBackBesideHeldOnes() {
    // 600,000 floats: more than two 1 MiB chunks, the last one partial.
    int n = 600_000;
    float[] expected = new float[n];
    for (int i = 0; i < n; i++) {
      expected[i] = i * 0.5f - 7f;
    }
    int[] next = {0};
    Path f = tmp.resolve("streamed.safetensors");
    new SafetensorsWriter().metadata("format", "pt")
        .putF32("held", new long[] {2}, new float[] {1f, 2f})
        .putF32("streamed", new long[] {n / 1000, 1000}, out -> {
          while (out.hasRemaining()) {
            out.put(expected[next[0]++]);
          }
        })
        .putI64("ids", new long[] {1}, new long[] {42})
        .write(f);
    SafetensorsReader r = SafetensorsReader.open(f);
    assertArrayEquals(new float[] {1f, 2f}, r.floats("held"));
    assertArrayEquals(expected, r.floats("streamed"));
    assertArrayEquals(new long[] {600, 1000}, r.info("streamed").shape());
    assertArrayEquals(new long[] {42}, r.longs("ids"));
  }

  @Test
  void aSourceThatFillsTooFewValuesFailsNamingTheTensorAndLeavesNoFile() throws IOException {
    Path f = tmp.resolve("short.safetensors");
    CheckpointException e = assertThrows(CheckpointException.class, () -> new SafetensorsWriter()
        .putF32("model.norm.weight", new long[] {8}, out -> out.put(1f)).write(f));
    assertTrue(e.getMessage().contains("model.norm.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("filled 1 of the 8"), e.getMessage());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(0, left.count(), "neither the file nor its temporary sibling remains");
    }
  }
}
