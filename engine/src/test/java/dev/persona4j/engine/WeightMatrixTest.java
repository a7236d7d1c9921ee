package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The F32, F16 and BF16 kernels against a float64 product over the decoded weights, for batch sizes
 * around the 4-row register block and widths around the vector length (odd ones included).
 */
class WeightMatrixTest {
  private static final int[] BATCHES = {1, 3, 4, 5, 8, 9};
  private static final int[] COLS = {1, 7, 16, 31, 33, 64, 100, 257};

  @Test
  void everyKindMultipliesLikeAFloat64ProductOverItsDecodedRows() {
    Random random = new Random(7);
    for (int cols : COLS) {
      int rows = cols % 2 == 0 ? 70 : 11; // 70: several whole panels, so 8-row batches take two panels at a time
      float[] values = new float[rows * cols];
      short[] halves = new short[values.length];
      short[] bfloats = new short[values.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
        halves[i] = toHalf(values[i] * (i % 5 == 0 ? 1e-6f : 1f)); // some subnormal halves
        bfloats[i] = (short) (Float.floatToRawIntBits(values[i]) >>> 16);
      }
      for (WeightMatrix m : new WeightMatrix[] {WeightMatrix.f32(rows, cols, values.clone()), WeightMatrix.f16(rows, cols, halves),
          WeightMatrix.bf16(rows, cols, bfloats)}) {
        float[][] decoded = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
          m.row(r, decoded[r], 0);
        }
        for (int batch : BATCHES) {
          float[][] x = new float[batch][cols];
          for (float[] row : x) {
            for (int c = 0; c < cols; c++) {
              row[c] = (float) random.nextGaussian();
            }
          }
          float[][] out = new float[batch][rows + 2];
          m.multiply(x, batch, out, 2, 1, rows);
          for (int b = 0; b < batch; b++) {
            assertEquals(0f, out[b][0] + out[b][1] + out[b][2], "rows outside the range are not written");
            for (int r = 1; r < rows; r++) {
              double expected = 0;
              for (int c = 0; c < cols; c++) {
                expected += (double) decoded[r][c] * x[b][c];
              }
              assertEquals(expected, out[b][2 + r], 1e-4 * Math.sqrt(cols), m + " batch " + batch + " row " + r);
            }
          }
        }
      }
    }
  }

  /**
   * Batches of 8 and 16 over F32 matrices wide and tall enough for the four-panel kernel (columns
   * past {@link PanelMatrix#QUAD_COLUMNS}, so its sums continue across passes; row ranges of whole
   * quads, then pairs and single panels): every output of a whole panel is the very float the
   * one-panel batch-8 kernel gives, and every one within float32 rounding of a float64 product.
   */
  @Test
  void fourPanelBlocksSumExactlyAsOnePanelAtATime() {
    int p = PanelMatrix.P;
    Random random = new Random(11);
    for (int cols : new int[] {5, 2 * PanelMatrix.QUAD_COLUMNS + 37}) {
      int rows = 9 * p + 3;
      float[] values = new float[rows * cols];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      F32Matrix m = (F32Matrix) WeightMatrix.f32(rows, cols, values);
      for (int batch : new int[] {8, 16}) {
        float[][] x = new float[batch][cols];
        for (float[] row : x) {
          for (int c = 0; c < cols; c++) {
            row[c] = (float) random.nextGaussian();
          }
        }
        for (int[] range : new int[][] {{0, rows}, {p, 7 * p}, {2 * p, 6 * p}}) {
          float[][] out = new float[batch][rows];
          m.multiply(x, batch, out, 0, range[0], range[1]);
          float[][] expected = new float[batch][PanelMatrix.panels(rows) * p];
          for (int b = 0; b < batch; b += 8) {
            float[] xi = PanelMatrix.interleave8(x, b, cols);
            for (int panel = 0; panel < PanelMatrix.panels(rows); panel++) {
              assertTrue(m.panel8Interleaved(panel, xi, expected, b, panel * p));
            }
          }
          for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
              boolean inside = r >= range[0] && r < range[1];
              if (!inside || r < rows / p * p) { // the last panel, cut short, is summed a row at a time
                assertEquals(inside ? expected[b][r] : 0f, out[b][r], "cols " + cols + " batch " + batch + " rows " + range[0] + ".." + range[1] + ": row " + r + " of batch row " + b);
              }
              if (inside) {
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                  sum += (double) values[r * cols + c] * x[b][c];
                }
                assertEquals(sum, out[b][r], 1e-4 * Math.sqrt(cols));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void halvesDecodeExactly() {
    float[] cases = {0f, -0f, 1f, -2.5f, 65504f, 0x1p-24f, -0x1p-24f, 0x1p-14f, 0x1.ff8p-15f, 3.140625f};
    short[] bits = new short[cases.length];
    for (int i = 0; i < cases.length; i++) {
      bits[i] = toHalf(cases[i]);
    }
    float[] back = new float[cases.length];
    WeightMatrix.f16(1, cases.length, bits).row(0, back, 0);
    for (int i = 0; i < cases.length; i++) {
      assertEquals(Float.floatToRawIntBits(cases[i]), Float.floatToRawIntBits(back[i]), "half " + cases[i]);
    }
    short[] bf = {(short) 0x3f80, (short) 0xc020, (short) 0x0001};
    float[] b = new float[3];
    WeightMatrix.bf16(1, 3, bf).row(0, b, 0);
    assertEquals(1f, b[0]);
    assertEquals(-2.5f, b[1]);
    assertEquals(Float.intBitsToFloat(0x00010000), b[2]);
    assertEquals(2 * 32 * 6, WeightMatrix.bf16(32, 6, new short[32 * 6]).bytes(), "two bytes a weight");
    assertEquals(2 * 32 * 8, WeightMatrix.f16(32, 7, new short[32 * 7]).bytes(), "an odd column padded");
  }

  @Test
  void nonFiniteHalvesAndWrongSizesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WeightMatrix.f16(1, 3, new short[] {0, (short) 0x7c00, 0}));
    assertTrue(e.getMessage().contains("element 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WeightMatrix.f32(2, 3, new float[5]));
  }

  /** float32 to the nearest binary16 (round half to even), for values a half can hold. */
  static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    float a = Math.abs(f);
    if (a < 0x1p-14f) {
      return (short) (sign | Math.round(a * 0x1p24f)); // subnormal: multiples of 2^-24 (rint would be exact half-even)
    }
    int e = Math.getExponent(a);
    float mant = a / (float) Math.scalb(1.0, e) - 1f;
    int m = (int) Math.rint(mant * 1024);
    if (m == 1024) {
      m = 0;
      e++;
    }
    return (short) (sign | (e + 15) << 10 | m);
  }
}
