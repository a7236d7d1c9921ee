package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.engine.gguf.GgufType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Q8_0, Q5_0, Q4_0, Q4_K and Q6_K kernels: rows decoded bit for bit as ggml's dequantization (the codecs of
 * {@link GgufType}), products within float32 accumulation of a float64 product over those rows, for batches
 * 1 to 9, row ranges cut anywhere, and disjoint ranges multiplied from several threads at once.
 */
class QuantizedMatrixTest {
  /** A matrix of random values (some blocks all zero, some with outliers) quantized by the codecs. */
  private static ByteBuffer quantized(GgufType type, int rows, int cols, Random random) {
    float[] values = new float[rows * cols];
    for (int i = 0; i < values.length; i++) {
      int block = i / type.blockSize();
      values[i] = block % 7 == 3 ? 0f : (float) random.nextGaussian() * (block % 5 == 1 ? 30f : 0.2f);
    }
    ByteBuffer data = ByteBuffer.allocate((int) type.bytes(values.length)).order(ByteOrder.LITTLE_ENDIAN);
    type.quantize(values, 0, values.length, data, 0);
    return data;
  }

  /** A Q5_0 block built by hand, decoded by ggml's formula written out here: (nibble | fifth bit << 4 − 16)·d. */
  @Test
  void aHandBuiltQ5_0BlockDecodesAsGgmlDefinesIt() {
    ByteBuffer block = ByteBuffer.allocate(2 * 22).order(ByteOrder.LITTLE_ENDIAN);
    int qh = 0xa5c3_0f96; // the fifth bits of levels 0-31, bit j for level j
    for (int b = 0; b < 2; b++) {
      block.putShort(22 * b, (short) (b == 0 ? 0x3c00 : 0xb800)); // d = 1, then d = -0.5
      block.putInt(22 * b + 2, qh);
      for (int j = 0; j < 16; j++) {
        block.put(22 * b + 6 + j, (byte) (j | (15 - j) << 4)); // low nibble: level j, high nibble: level 16 + j
      }
    }
    float[] row = new float[64];
    QuantizedMatrix.of(GgufType.Q5_0, 1, 64, block).row(0, row, 0);
    for (int b = 0; b < 2; b++) {
      float d = b == 0 ? 1f : -0.5f;
      for (int j = 0; j < 16; j++) {
        assertEquals(((j | ((qh >>> j) & 1) << 4) - 16) * d, row[32 * b + j], "block " + b + " level " + j);
        assertEquals((((15 - j) | ((qh >>> (16 + j)) & 1) << 4) - 16) * d, row[32 * b + 16 + j], "block " + b + " level " + (16 + j));
      }
    }
    assertEquals(-16f, row[0], "level 0: nibble 0, qh bit 0 clear");
    assertEquals(15f, row[16], "level 16: nibble 15, qh bit 16 set");
    assertEquals(-0.5f * (31 - 16), row[48], "block 1, level 16: nibble 15, qh bit 16 set, d = -0.5");
  }

  /** Q8_0 in panels (vectors of 8 or 16 floats) and in rows (other widths) hold and multiply the same weights. */
  @Test
  void q8_0PanelsAndRowsAgree() {
    Random random = new Random(17);
    int rows = 37;
    int cols = 96;
    ByteBuffer data = quantized(GgufType.Q8_0, rows, cols, random);
    WeightMatrix panels = Q8PanelMatrix.of(rows, cols, data.duplicate().order(ByteOrder.LITTLE_ENDIAN));
    QuantizedMatrix.Q8_0 byRow = new QuantizedMatrix.Q8_0(rows, cols);
    byRow.fill(0, data.duplicate().order(ByteOrder.LITTLE_ENDIAN));
    float[] a = new float[cols];
    float[] b = new float[cols];
    for (int r = 0; r < rows; r++) {
      panels.row(r, a, 0);
      byRow.row(r, b, 0);
      assertArrayEquals(b, a, 0f, "row " + r);
    }
    float[][] x = new float[3][cols];
    for (float[] row : x) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) random.nextGaussian();
      }
    }
    float[][] p = new float[3][rows];
    float[][] q = new float[3][rows];
    panels.multiply(x, 3, p, 0, 0, rows);
    byRow.multiply(x, 3, q, 0, 0, rows);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(q[i], p[i], 1e-4f, "batch row " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(value = GgufType.class, names = {"Q8_0", "Q5_0", "Q4_0", "Q4_K", "Q6_K"})
  void rowsEqualTheCodecsDequantizationAndProductsAFloat64Product(GgufType type) {
    Random random = new Random(type.ordinal());
    int cols = 2 * 256 + (type.blockSize() == 32 ? 64 : 0); // several blocks a row
    int rows = 37;
    ByteBuffer data = quantized(type, rows, cols, random);
    WeightMatrix m = QuantizedMatrix.of(type, rows, cols, data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    assertEquals(rows, m.rows());
    assertEquals(cols, m.cols());
    float[][] decoded = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      float[] want = new float[cols];
      type.dequantize(data, (int) type.bytes((long) r * cols), want, 0, cols);
      m.row(r, decoded[r], 0);
      for (int c = 0; c < cols; c++) {
        assertEquals(Float.floatToRawIntBits(want[c]), Float.floatToRawIntBits(decoded[r][c]),
            type + " row " + r + " column " + c + " decodes bit for bit as the codec does");
      }
    }
    for (int batch = 1; batch <= 9; batch++) {
      float[][] x = new float[batch][cols];
      for (float[] row : x) {
        for (int c = 0; c < cols; c++) {
          row[c] = (float) random.nextGaussian();
        }
      }
      int from = batch % 3 * 5 + 1; // odd ranges: 1..36, 6..36, 11..36
      int to = rows - batch % 2;
      float[][] out = new float[batch][rows + 3];
      m.multiply(x, batch, out, 3, from, to);
      for (int b = 0; b < batch; b++) {
        for (int r = 0; r < rows; r++) {
          if (r < from || r >= to) {
            assertEquals(0f, out[b][3 + r], "row " + r + " outside [" + from + ", " + to + ") is not written");
            continue;
          }
          double expected = 0;
          double scale = 0;
          for (int c = 0; c < cols; c++) {
            expected += (double) decoded[r][c] * x[b][c];
            scale += Math.abs((double) decoded[r][c] * x[b][c]);
          }
          assertEquals(expected, out[b][3 + r], 1e-6 * scale + 1e-6, type + " batch " + batch + " row " + r);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = GgufType.class, names = {"Q8_0", "Q5_0", "Q4_0", "Q4_K", "Q6_K"})
  void everyBatchRowGetsTheProductItsRowGetsAloneBitForBit(GgufType type) {
    Random random = new Random(5);
    int rows = 21;
    int cols = 3 * 256;
    WeightMatrix m = QuantizedMatrix.of(type, rows, cols, quantized(type, rows, cols, random));
    float[][] x = new float[13][cols];
    for (int c = 0; c < cols; c++) {
      x[0][c] = (float) random.nextGaussian();
      for (int b = 1; b < x.length; b++) {
        x[b][c] = b == 5 || b == 10 || b == 12 ? x[0][c] : (float) random.nextGaussian();
      }
    }
    float[][] one = new float[1][rows];
    float[][] all = new float[13][rows];
    m.multiply(x, 1, one, 0, 0, rows); // Q8_0: one row decoded in registers
    m.multiply(x, 13, all, 0, 0, rows); // Q8_0: three blocks of four rows, then one alone; the others: a decoded row
    for (int r = 0; r < rows; r++) {
      // x[5], x[10] and x[12] are x[0]: in the second and third blocks of four, and alone, each gets the very sums x[0] gets alone
      for (int b : new int[] {0, 5, 10, 12}) {
        assertEquals(Float.floatToRawIntBits(one[0][r]), Float.floatToRawIntBits(all[b][r]), type + " batch row " + b + ", row " + r);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = GgufType.class, names = {"Q8_0", "Q5_0", "Q4_0", "Q4_K", "Q6_K"})
  void disjointRangesFromSeveralThreadsGiveTheSingleThreadedProduct(GgufType type) throws Exception {
    Random random = new Random(11);
    int rows = 96;
    int cols = 512;
    WeightMatrix m = QuantizedMatrix.of(type, rows, cols, quantized(type, rows, cols, random));
    int batch = 5;
    float[][] x = new float[batch][cols];
    for (float[] row : x) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) random.nextGaussian();
      }
    }
    float[][] alone = new float[batch][rows];
    m.multiply(x, batch, alone, 0, 0, rows);
    float[][] together = new float[batch][rows];
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int start = 0; start < rows; start += 13) {
        int s = start;
        parts.add(pool.submit(() -> m.multiply(x, batch, together, 0, s, Math.min(rows, s + 13))));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int b = 0; b < batch; b++) {
      assertArrayEquals(alone[b], together[b], 0f, type + " batch row " + b);
    }
  }

  /**
   * A matrix filled a stretch of rows at a time (as the GGUF loader reads a large tensor) decodes every
   * row as one filled from the whole tensor: stretches of the fill's step, and of several steps with a
   * short last one, over rows that end in a partial panel.
   */
  @ParameterizedTest
  @EnumSource(value = GgufType.class, names = {"Q8_0", "Q5_0", "Q4_0", "Q4_K", "Q6_K"})
  void aMatrixFilledByStretchesOfRowsIsTheWholeOne(GgufType type) {
    int rows = 2 * PanelMatrix.P + 5;
    int cols = 512;
    ByteBuffer data = quantized(type, rows, cols, new Random(23));
    WeightMatrix whole = QuantizedMatrix.of(type, rows, cols, data.duplicate().order(ByteOrder.LITTLE_ENDIAN));
    int rowBytes = (int) type.bytes(cols);
    RowFilled probe = QuantizedMatrix.empty(type, rows, cols);
    for (int stretch : new int[] {probe.rowsPerFill(), 3 * probe.rowsPerFill()}) {
      RowFilled m = QuantizedMatrix.empty(type, rows, cols);
      for (int r = 0; r < rows; r += stretch) {
        int n = Math.min(stretch, rows - r);
        ByteBuffer part = data.duplicate().position(r * rowBytes).limit((r + n) * rowBytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        m.fill(r, part);
      }
      float[] a = new float[cols];
      float[] b = new float[cols];
      for (int r = 0; r < rows; r++) {
        whole.row(r, a, 0);
        m.row(r, b, 0);
        assertArrayEquals(a, b, 0f, type + " in stretches of " + stretch + ", row " + r);
      }
      float[][] x = new float[8][cols];
      Random random = new Random(5);
      for (float[] row : x) {
        for (int c = 0; c < cols; c++) {
          row[c] = (float) random.nextGaussian();
        }
      }
      float[][] expected = new float[8][rows];
      float[][] actual = new float[8][rows];
      whole.multiply(x, 8, expected, 0, 0, rows);
      m.multiply(x, 8, actual, 0, 0, rows);
      for (int b8 = 0; b8 < 8; b8++) {
        assertArrayEquals(expected[b8], actual[b8], 0f, type + " in stretches of " + stretch + ", batch row " + b8);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = GgufType.class, names = {"Q8_0", "Q5_0", "Q4_0", "Q4_K", "Q6_K"})
  void badDataIsRefusedNamingWhatIsWrong(GgufType type) {
    ByteBuffer data = quantized(type, 2, 256, new Random(3));
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> QuantizedMatrix.of(type, 3, 256, data.duplicate().order(ByteOrder.LITTLE_ENDIAN)));
    assertTrue(size.getMessage().contains("bytes"), size.getMessage());
    int scaleAt = type == GgufType.Q6_K ? 208 : 0;
    data.putShort(scaleAt, (short) 0x7c00); // an fp16 infinity as the first block's scale
    IllegalArgumentException scale = assertThrows(IllegalArgumentException.class,
        () -> QuantizedMatrix.of(type, 2, 256, data.duplicate().order(ByteOrder.LITTLE_ENDIAN)));
    assertTrue(scale.getMessage().contains("not finite"), scale.getMessage());
    assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.of(type, 2, 100, data));
  }
}
