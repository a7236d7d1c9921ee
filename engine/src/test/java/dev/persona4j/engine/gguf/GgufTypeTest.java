package dev.persona4j.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The block codecs on their own: float conversions, round trips, the dot product and block-size checks. */
class GgufTypeTest {

  @Test
  void everyHalfRoundTripsAndTiesRoundToEven() {
    for (int h = 0; h < 0x10000; h++) {
      float f = Half.toFloat(h);
      if (!Float.isNaN(f)) {
        assertEquals(h, Half.fromFloat(f) & 0xffff, "half " + Integer.toHexString(h));
      }
    }
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to the even mantissa, 1
    assertEquals(0x3c00, Half.fromFloat(1 + 0x1p-11f));
    assertEquals(0x3c02, Half.fromFloat(1 + 3 * 0x1p-11f));
    assertEquals(0x7c00, Half.fromFloat(65520f)); // rounds up to infinity
    assertEquals(0x0001, Half.fromFloat(0x1p-24f * 0.75f)); // nearest subnormal
    assertEquals(0x0000, Half.fromFloat(0x1p-25f)); // tie between 0 and the smallest subnormal: even
  }

  @Test
  void bfloat16RoundsToNearestEven() {
    assertEquals(0x3f80, Half.bf16FromFloat(1f) & 0xffff);
    assertEquals(0x3f80, Half.bf16FromFloat(Float.intBitsToFloat(0x3f808000)) & 0xffff); // tie, even stays
    assertEquals(0x3f82, Half.bf16FromFloat(Float.intBitsToFloat(0x3f818000)) & 0xffff); // tie, odd rounds up
    assertEquals(1.0078125f, Half.bf16ToFloat(0x3f81));
  }

  @Test
  void everyTypeRoundTripsWithinItsStepAndDotsLikeItsValues() {
    Random random = new Random(7);
    float[] x = new float[512];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian() * (i < 256 ? 0.02f : 3f);
    }
    float[] v = new float[x.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    for (GgufType type : GgufType.values()) {
      ByteBuffer bytes = ByteBuffer.allocate((int) type.bytes(x.length) + 8).order(ByteOrder.BIG_ENDIAN);
      type.quantize(x, 0, x.length, bytes, 8); // at an offset, into a big-endian buffer: the format decides
      float[] back = new float[x.length];
      type.dequantize(bytes, 8, back, 0, x.length);
      double expectedDot = 0;
      for (int i = 0; i < x.length; i++) {
        float bound = switch (type) {
          case F32 -> 0;
          case F16 -> Math.max(Math.abs(x[i]) * 0x1p-11f, 0x1p-25f); // half a unit, subnormals' included
          case BF16 -> Math.abs(x[i]) * 0x1p-8f;
          default -> maxAbs(x, i, type.blockSize()) / (type == GgufType.Q8_0 ? 127 : type == GgufType.Q6_K ? 31 : 7);
        };
        assertTrue(Math.abs(back[i] - x[i]) <= bound * 1.01f + 1e-9f, type + " value " + i + ": " + back[i] + " vs " + x[i]);
        expectedDot += (double) back[i] * v[i];
      }
      assertEquals(expectedDot, type.dot(bytes, 8, v, 0, x.length), 1e-3, type + " dot");
    }
  }

  @Test
  void partialBlocksAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> GgufType.Q4_K.bytes(255));
    assertThrows(IllegalArgumentException.class, () -> GgufType.Q8_0.dequantize(ByteBuffer.allocate(34), 0, new float[16], 0, 16));
    assertEquals(210, GgufType.Q6_K.bytes(256));
    assertEquals(GgufType.BF16, GgufType.ofId(30).orElseThrow());
    assertTrue(GgufType.ofId(3).isEmpty());
  }

  private static float maxAbs(float[] x, int i, int block) {
    int from = i / block * block;
    float m = 0;
    for (int j = from; j < from + block; j++) {
      m = Math.max(m, Math.abs(x[j]));
    }
    return m;
  }
}
