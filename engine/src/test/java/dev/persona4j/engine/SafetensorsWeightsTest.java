package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading F32 tensors larger than the loader's staging block (every block, and the partial last panel,
 * in place), and into one slab shared by the checkpoint's F32 matrices.
 */
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

  @Test
  void theF32MatricesShareOneSlabSizedForThemAll() throws IOException {
    Files.copy(Fixtures.model("llama").resolve(Checkpoint.CONFIG), dir.resolve(Checkpoint.CONFIG));
    SafetensorsWriter writer = new SafetensorsWriter();
    int[][] shapes = {{40, 24}, {16, 24}, {7, 3}, {33, 5}};
    for (int i = 0; i < shapes.length; i++) {
      int rows = shapes[i][0];
      int cols = shapes[i][1];
      int[] written = {0};
      int tensor = i;
      writer.putF32("m" + i, new long[] {rows, cols}, out -> {
        for (; out.hasRemaining(); written[0]++) {
          out.put(tensor * 1_000_000f + value(written[0] / cols, written[0] % cols));
        }
      });
    }
    writer.putF32("norm", new long[] {24}, out -> {
      while (out.hasRemaining()) {
        out.put(1f);
      }
    });
    writer.write(dir.resolve(Checkpoint.WEIGHTS));
    try (Workers workers = new Workers(2)) {
      SafetensorsWeights weights = new SafetensorsWeights(Checkpoint.open(dir), workers);
      long expected = 0;
      F32Matrix[] matrices = new F32Matrix[shapes.length];
      for (int i = shapes.length - 1; i >= 0; i--) { // any order: the slab holds what is left to read
        matrices[i] = (F32Matrix) weights.matrix("m" + i, shapes[i][0], shapes[i][1]);
        expected += F32Matrix.storedFloats(shapes[i][0], shapes[i][1]);
      }
      for (int i = 0; i < shapes.length; i++) {
        assertSame(matrices[0].storage(), matrices[i].storage(), "m" + i + " is in the first slab");
        float[] row = new float[shapes[i][1]];
        for (int r = 0; r < shapes[i][0]; r++) {
          matrices[i].row(r, row, 0);
          for (int c = 0; c < row.length; c++) {
            assertEquals(i * 1_000_000f + value(r, c), row[c], "m" + i + " row " + r + ", column " + c);
          }
        }
      }
      assertEquals(expected, matrices[0].storage().length, "the slab is exactly the F32 matrices' panels");
    }
  }

  private static float value(int row, int col) {
    return row * 10_000f + col;
  }
}
