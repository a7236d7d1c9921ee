package dev.persona4j.engine.gguf;

import java.nio.ByteBuffer;

/**
 * ggml's quantized block layouts, one block at a time. Buffers are read and written with absolute byte
 * offsets, whatever their byte order (the format is little-endian). Dequantization follows ggml's arithmetic
 * in float32, in its order; Q8_0 and Q4_0 quantize with ggml's deterministic reference algorithms, Q4_K and
 * Q6_K with a simpler faithful one (every value within half its sub-block's step).
 */
final class BlockCodecs {
  static final int QK = 32;
  static final int QK_K = 256;

  private BlockCodecs() {}

  static int u8(ByteBuffer b, int i) {
    return b.get(i) & 0xff;
  }

  static int u16(ByteBuffer b, int i) {
    return (b.get(i) & 0xff) | (b.get(i + 1) & 0xff) << 8;
  }

  static void put16(ByteBuffer b, int i, short v) {
    b.put(i, (byte) v);
    b.put(i + 1, (byte) (v >> 8));
  }

  /** Round half away from zero, as C's roundf. */
  static int roundf(float v) {
    double a = Math.floor(Math.abs((double) v) + 0.5);
    return (int) (v < 0 ? -a : a);
  }

  // ---- Q8_0: fp16 d, int8 qs[32]; y = d * q

  static void dequantizeQ8_0(ByteBuffer src, int at, float[] dst, int to) {
    float d = Half.toFloat(u16(src, at));
    for (int j = 0; j < QK; j++) {
      dst[to + j] = src.get(at + 2 + j) * d;
    }
  }

  static void quantizeQ8_0(float[] x, int from, ByteBuffer dst, int at) {
    float amax = 0;
    for (int j = 0; j < QK; j++) {
      amax = Math.max(amax, Math.abs(x[from + j]));
    }
    float d = amax / 127;
    float id = d != 0 ? 1.0f / d : 0.0f;
    put16(dst, at, Half.fromFloat(d));
    for (int j = 0; j < QK; j++) {
      dst.put(at + 2 + j, (byte) roundf(x[from + j] * id));
    }
  }

  // ---- Q4_0: fp16 d, uint8 qs[16] (low nibbles values 0-15, high nibbles 16-31); y = (q - 8) * d

  static void dequantizeQ4_0(ByteBuffer src, int at, float[] dst, int to) {
    float d = Half.toFloat(u16(src, at));
    for (int j = 0; j < QK / 2; j++) {
      int q = u8(src, at + 2 + j);
      dst[to + j] = ((q & 0x0f) - 8) * d;
      dst[to + j + QK / 2] = ((q >>> 4) - 8) * d;
    }
  }

  /** The block's value of largest magnitude, with its sign (the first of equals), as ggml's Q4_0 and Q5_0 pick it. */
  private static float signedMax(float[] x, int from) {
    float amax = 0;
    float max = 0;
    for (int j = 0; j < QK; j++) {
      float v = x[from + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    return max;
  }

  static void quantizeQ4_0(float[] x, int from, ByteBuffer dst, int at) {
    float d = signedMax(x, from) / -8;
    float id = d != 0 ? 1.0f / d : 0.0f;
    put16(dst, at, Half.fromFloat(d));
    // llama.cpp's build contracts x * id + 8.5f into one fused multiply-add; the fixtures' levels show it
    for (int j = 0; j < QK / 2; j++) {
      int q0 = Math.min(15, (int) Math.fma(x[from + j], id, 8.5f));
      int q1 = Math.min(15, (int) Math.fma(x[from + QK / 2 + j], id, 8.5f));
      dst.put(at + 2 + j, (byte) (q0 | q1 << 4));
    }
  }

  // ---- Q5_0: fp16 d, uint32 qh (bit j: the fifth bit of level j), uint8 qs[16] (low nibbles levels 0-15,
  // high nibbles 16-31); y = (q - 16) * d

  static void dequantizeQ5_0(ByteBuffer src, int at, float[] dst, int to) {
    float d = Half.toFloat(u16(src, at));
    int qh = u16(src, at + 2) | u16(src, at + 4) << 16;
    for (int j = 0; j < QK / 2; j++) {
      int q = u8(src, at + 6 + j);
      int x0 = ((q & 0x0f) | ((qh >>> j) << 4) & 0x10) - 16;
      int x1 = ((q >>> 4) | (qh >>> (j + 12)) & 0x10) - 16;
      dst[to + j] = x0 * d;
      dst[to + j + QK / 2] = x1 * d;
    }
  }

  static void quantizeQ5_0(float[] x, int from, ByteBuffer dst, int at) {
    float d = signedMax(x, from) / -16;
    float id = d != 0 ? 1.0f / d : 0.0f;
    put16(dst, at, Half.fromFloat(d));
    int qh = 0;
    // as Q4_0: x * id + 16.5f contracted into one fused multiply-add, as llama.cpp's build does
    for (int j = 0; j < QK / 2; j++) {
      int q0 = Math.min(31, (byte) (int) Math.fma(x[from + j], id, 16.5f));
      int q1 = Math.min(31, (byte) (int) Math.fma(x[from + QK / 2 + j], id, 16.5f));
      dst.put(at + 6 + j, (byte) ((q0 & 0x0f) | (q1 & 0x0f) << 4));
      qh |= (q0 & 0x10) >>> 4 << j;
      qh |= (q1 & 0x10) >>> 4 << (j + QK / 2);
    }
    put16(dst, at + 2, (short) qh);
    put16(dst, at + 4, (short) (qh >>> 16));
  }

  // ---- Q4_K: fp16 d, fp16 dmin, 12 bytes of eight 6-bit (scale, min) pairs, uint8 qs[128];
  // sub-block j (32 values) is y = d * scale_j * q - dmin * min_j

  static void dequantizeQ4_K(ByteBuffer src, int at, float[] dst, int to) {
    float d = Half.toFloat(u16(src, at));
    float dmin = Half.toFloat(u16(src, at + 2));
    int scales = at + 4;
    int qs = at + 16;
    for (int chunk = 0; chunk < 4; chunk++) {
      int j = 2 * chunk;
      float d1 = d * scaleK4(src, scales, j);
      float m1 = dmin * minK4(src, scales, j);
      float d2 = d * scaleK4(src, scales, j + 1);
      float m2 = dmin * minK4(src, scales, j + 1);
      int q = qs + chunk * 32;
      int y = to + chunk * 64;
      for (int l = 0; l < 32; l++) {
        dst[y + l] = d1 * (u8(src, q + l) & 0x0f) - m1;
      }
      for (int l = 0; l < 32; l++) {
        dst[y + 32 + l] = d2 * (u8(src, q + l) >>> 4) - m2;
      }
    }
  }

  private static int scaleK4(ByteBuffer b, int s, int j) {
    return j < 4 ? u8(b, s + j) & 63 : (u8(b, s + j + 4) & 0x0f) | (u8(b, s + j - 4) >>> 6) << 4;
  }

  private static int minK4(ByteBuffer b, int s, int j) {
    return j < 4 ? u8(b, s + j + 4) & 63 : (u8(b, s + j + 4) >>> 4) | (u8(b, s + j) >>> 6) << 4;
  }

  static void quantizeQ4_K(float[] x, int from, ByteBuffer dst, int at) {
    // Per sub-block: the range [min(0, lo), hi] in 15 steps. Mins are stored negated (y = ... - dmin * m).
    float[] neg = new float[8];
    float maxNeg = 0;
    for (int j = 0; j < 8; j++) {
      float lo = 0;
      for (int l = 0; l < 32; l++) {
        lo = Math.min(lo, x[from + 32 * j + l]);
      }
      neg[j] = -lo;
      maxNeg = Math.max(maxNeg, neg[j]);
    }
    short dminBits = Half.fromFloatUp(maxNeg / 63);
    float dmin = Half.toFloat(dminBits);
    int[] m = new int[8];
    float[] span = new float[8];
    float maxStep = 0;
    for (int j = 0; j < 8; j++) {
      // round the min up so that the lowest level still reaches the smallest value
      m[j] = dmin == 0 ? 0 : Math.min(63, (int) Math.ceil(neg[j] / dmin));
      float hi = 0;
      for (int l = 0; l < 32; l++) {
        hi = Math.max(hi, x[from + 32 * j + l]);
      }
      span[j] = hi + dmin * m[j];
      maxStep = Math.max(maxStep, span[j] / 15);
    }
    short dBits = Half.fromFloatUp(maxStep / 63);
    float d = Half.toFloat(dBits);
    int[] sc = new int[8];
    for (int j = 0; j < 8; j++) {
      sc[j] = d == 0 ? 0 : Math.min(63, (int) Math.ceil(span[j] / 15 / d));
    }
    put16(dst, at, dBits);
    put16(dst, at + 2, dminBits);
    int s = at + 4;
    for (int j = 0; j < 4; j++) {
      dst.put(s + j, (byte) ((sc[j] & 63) | (sc[j + 4] >>> 4) << 6));
      dst.put(s + j + 4, (byte) ((m[j] & 63) | (m[j + 4] >>> 4) << 6));
      dst.put(s + j + 8, (byte) ((sc[j + 4] & 0x0f) | (m[j + 4] & 0x0f) << 4));
    }
    int[] levels = new int[QK_K];
    for (int j = 0; j < 8; j++) {
      float step = d * sc[j];
      float offset = dmin * m[j];
      for (int l = 0; l < 32; l++) {
        int q = step == 0 ? 0 : roundf((x[from + 32 * j + l] + offset) / step);
        levels[32 * j + l] = Math.max(0, Math.min(15, q));
      }
    }
    for (int chunk = 0; chunk < 4; chunk++) {
      for (int l = 0; l < 32; l++) {
        dst.put(at + 16 + chunk * 32 + l, (byte) (levels[chunk * 64 + l] | levels[chunk * 64 + 32 + l] << 4));
      }
    }
  }

  // ---- Q6_K: uint8 ql[128] (low 4 bits), uint8 qh[64] (high 2 bits), int8 scales[16], fp16 d;
  // sub-block j (16 values) is y = d * scale_j * (q - 32)

  static void dequantizeQ6_K(ByteBuffer src, int at, float[] dst, int to) {
    float d = Half.toFloat(u16(src, at + 208));
    for (int half = 0; half < 2; half++) {
      int ql = at + half * 64;
      int qh = at + 128 + half * 32;
      int sc = at + 192 + half * 8;
      int y = to + half * 128;
      for (int l = 0; l < 32; l++) {
        int is = l / 16;
        int h = u8(src, qh + l);
        int q1 = ((u8(src, ql + l) & 0x0f) | (h & 3) << 4) - 32;
        int q2 = ((u8(src, ql + l + 32) & 0x0f) | ((h >>> 2) & 3) << 4) - 32;
        int q3 = ((u8(src, ql + l) >>> 4) | ((h >>> 4) & 3) << 4) - 32;
        int q4 = ((u8(src, ql + l + 32) >>> 4) | ((h >>> 6) & 3) << 4) - 32;
        dst[y + l] = d * src.get(sc + is) * q1;
        dst[y + l + 32] = d * src.get(sc + is + 2) * q2;
        dst[y + l + 64] = d * src.get(sc + is + 4) * q3;
        dst[y + l + 96] = d * src.get(sc + is + 6) * q4;
      }
    }
  }

  static void quantizeQ6_K(float[] x, int from, ByteBuffer dst, int at) {
    // Per sub-block of 16: a symmetric scale with levels -31..31; scales ≤ 127 against one fp16 d.
    float[] amax = new float[16];
    float maxScale = 0;
    for (int j = 0; j < 16; j++) {
      for (int l = 0; l < 16; l++) {
        amax[j] = Math.max(amax[j], Math.abs(x[from + 16 * j + l]));
      }
      maxScale = Math.max(maxScale, amax[j] / 31);
    }
    short dBits = Half.fromFloatUp(maxScale / 127);
    float d = Half.toFloat(dBits);
    int[] levels = new int[QK_K];
    for (int j = 0; j < 16; j++) {
      int sc = d == 0 ? 0 : Math.min(127, (int) Math.ceil(amax[j] / 31 / d));
      dst.put(at + 192 + j, (byte) sc);
      float step = d * sc;
      for (int l = 0; l < 16; l++) {
        int q = step == 0 ? 0 : roundf(x[from + 16 * j + l] / step);
        levels[16 * j + l] = Math.max(-32, Math.min(31, q)) + 32;
      }
    }
    put16(dst, at + 208, dBits);
    for (int half = 0; half < 2; half++) {
      int ql = at + half * 64;
      int qh = at + 128 + half * 32;
      int[] v = new int[128];
      System.arraycopy(levels, half * 128, v, 0, 128);
      for (int l = 0; l < 32; l++) {
        dst.put(ql + l, (byte) ((v[l] & 0x0f) | (v[l + 64] & 0x0f) << 4));
        dst.put(ql + l + 32, (byte) ((v[l + 32] & 0x0f) | (v[l + 96] & 0x0f) << 4));
        dst.put(qh + l, (byte) ((v[l] >>> 4) | (v[l + 32] >>> 4) << 2 | (v[l + 64] >>> 4) << 4 | (v[l + 96] >>> 4) << 6));
      }
    }
  }
}
