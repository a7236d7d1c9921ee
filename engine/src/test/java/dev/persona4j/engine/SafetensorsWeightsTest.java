package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading F32 tensors larger than the loader's staging block: every block, and the partial last panel, in place. */
class SafetensorsWeightsTest {
  @TempDir
  Path dir;

  @Test
  void aMatrixOfSeveralStagingBlocksLoadsEveryRow() throws IOException {
    int rows = 1100; // 8 MiB blocks of 64 panels of 16 rows: a whole block, then 4 panels and a partial one
    int cols = 2048;
    Files.copy(Fixtures.model("llama").resolve(Checkpoint.CONFIG), dir.resolve(Checkpoint.CONFIG));
    int[] written = {0}; // the writer asks for the tensor a chunk at a time
    new SafetensorsWriter().putF32("big", new long[] {rows, cols}, out -> {
      for (; out.hasRemaining(); written[0]++) {
        out.put(value(written[0] / cols, written[0] % cols));
      }
    }).write(dir.resolve(Checkpoint.WEIGHTS));
    try (Workers workers = new Workers(2)) {
      WeightMatrix m = new SafetensorsWeights(Checkpoint.open(dir), workers).matrix("big", rows, cols);
      float[] row = new float[cols];
      for (int r = 0; r < rows; r++) {
        m.row(r, row, 0);
        for (int c = 0; c < cols; c += 97) {
          assertEquals(value(r, c), row[c], "row " + r + ", column " + c);
        }
        assertEquals(value(r, cols - 1), row[cols - 1], "row " + r + ", last column");
      }
    }
  }

  private static float value(int row, int col) {
    return row * 10_000f + col;
  }
}
