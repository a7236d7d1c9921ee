package dev.persona4j.engine.gguf;

import dev.persona4j.core.checkpoint.SafetensorsReader;

/** IEEE binary16 and bfloat16 to and from float32 (Java 17 has no Float.float16ToFloat). */
final class Half {
  private Half() {}

  /** binary16 bits to float32, exact: the safetensors reader's conversion. */
  static float toFloat(int h) {
    return SafetensorsReader.halfToFloat((short) h);
  }

  /** float32 to binary16 bits, rounding to nearest even as numpy's astype(float16) and ggml do. */
  static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) { // inf or NaN (keep NaN quiet)
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) { // subnormal half (or zero): shift the full mantissa with the implicit bit
      if (e < -10) {
        return (short) sign;
      }
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is the right result (up to infinity)
    }
    return (short) (sign | half);
  }

  /** The smallest binary16 value at least {@code f} (f ≥ 0, finite), for scales that must not shrink. */
  static short fromFloatUp(float f) {
    short h = fromFloat(f);
    return toFloat(h) < f ? (short) (h + 1) : h;
  }

  /** bfloat16 bits to float32, exact. */
  static float bf16ToFloat(int b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }

  /** float32 to bfloat16 bits, rounding to nearest even (NaN kept quiet), as gguf-py does. */
  static short bf16FromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 64);
    }
    return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
  }
}
