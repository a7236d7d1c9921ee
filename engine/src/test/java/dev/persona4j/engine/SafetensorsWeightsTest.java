package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

  @Test
  void the16BitMatricesShareOneSlabAndAnF16InfinityIsNamed() throws IOException {
    Files.copy(Fixtures.model("llama").resolve(Checkpoint.CONFIG), dir.resolve(Checkpoint.CONFIG));
    String[] dtypes = {"BF16", "F16", "BF16", "F16"};
    int[][] shapes = {{40, 24}, {17, 7}, {16, 5}, {3, 4}};
    // small integers, exact in both formats; the last F16 tensor holds an infinity at row 2, column 1
    writeHalves(dir.resolve(Checkpoint.WEIGHTS), dtypes, shapes);
    try (Workers workers = new Workers(2)) {
      SafetensorsWeights weights = new SafetensorsWeights(Checkpoint.open(dir), workers);
      HalfMatrix[] matrices = new HalfMatrix[3];
      long expected = 0;
      for (int i = 0; i < 3; i++) {
        matrices[i] = (HalfMatrix) weights.matrix("m" + i, shapes[i][0], shapes[i][1]);
        expected += HalfMatrix.storedInts(shapes[i][0], shapes[i][1]);
        float[] row = new float[shapes[i][1]];
        for (int r = 0; r < shapes[i][0]; r++) {
          matrices[i].row(r, row, 0);
          for (int c = 0; c < row.length; c++) {
            assertEquals(small(i, r, c), row[c], dtypes[i] + " m" + i + " row " + r + ", column " + c);
          }
        }
      }
      assertSame(matrices[0].storage(), matrices[1].storage(), "BF16 and F16 matrices share the 16-bit slab");
      assertSame(matrices[0].storage(), matrices[2].storage());
      assertEquals(expected + HalfMatrix.storedInts(3, 4), matrices[0].storage().length, "sized for every 16-bit matrix");
      CheckpointException e = assertThrows(CheckpointException.class, () -> weights.matrix("m3", 3, 4));
      assertTrue(e.getMessage().contains("m3") && e.getMessage().contains("element 9 (row 2, column 1)")
          && e.getMessage().contains("not a finite weight"), e.getMessage());
    }
  }

  private static float small(int tensor, int row, int col) {
    return (row % 16) * 8 + col % 8 - tensor;
  }

  /** A safetensors file of 16-bit tensors m0, m1, ... written by hand (the project's writer writes F32 and I64). */
  private static void writeHalves(Path file, String[] dtypes, int[][] shapes) throws IOException {
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    for (int i = 0; i < dtypes.length; i++) {
      long bytes = 2L * shapes[i][0] * shapes[i][1];
      header.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":{\"dtype\":\"").append(dtypes[i])
          .append("\",\"shape\":[").append(shapes[i][0]).append(',').append(shapes[i][1])
          .append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    header.append('}');
    while ((header.length() + 8) % 8 != 0) {
      header.append(' ');
    }
    byte[] json = header.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(json.length).put(json);
    for (int i = 0; i < dtypes.length; i++) {
      for (int r = 0; r < shapes[i][0]; r++) {
        for (int c = 0; c < shapes[i][1]; c++) {
          float v = small(i, r, c);
          short bits = dtypes[i].equals("BF16") ? (short) (Float.floatToRawIntBits(v) >>> 16) : f16(v);
          out.putShort(i == 3 && r == 2 && c == 1 ? (short) 0x7c00 : bits);
        }
      }
    }
    Files.write(file, out.array());
  }

  /** The binary16 bits of a small integer (exact below 2048). */
  private static short f16(float v) {
    if (v == 0) {
      return 0;
    }
    int magnitude = (int) Math.abs(v);
    int exponent = 31 - Integer.numberOfLeadingZeros(magnitude);
    int mantissa = (magnitude << 10 >> exponent) & 0x3ff;
    return (short) ((v < 0 ? 0x8000 : 0) | (exponent + 15) << 10 | mantissa);
  }

  private static float value(int row, int col) {
    return row * 10_000f + col;
  }
}
