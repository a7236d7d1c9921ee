package dev.persona4j.samplers;

import java.util.Arrays;

/** Shared arithmetic of the processors: softmax in double, orderings without boxing. */
final class Logits {
  private Logits() {}

  static final double ONE_OVER_LN2 = 1 / Math.log(2);
  /** ln2 split in two: the high part's last 11 bits are 0, so k · high is exact for |k| &lt; 2^11. */
  static final double LN2_HIGH = 0x1.62e42fefa3800p-1;
  static final double LN2_LOW = 0x1.ef35793c76730p-45;
  /** Added and subtracted, rounds to the nearest integer (half to even) for |x| &lt; 2^51; its bits then hold it as a long. */
  static final double ROUNDING = 0x1.8p52;
  static final long ROUNDING_BITS = Double.doubleToRawLongBits(ROUNDING);
  /** 1/n! for the Taylor terms r^n, n = 2..12. */
  static final double C2 = 1.0 / 2;
  static final double C3 = C2 / 3;
  static final double C4 = C3 / 4;
  static final double C5 = C4 / 5;
  static final double C6 = C5 / 6;
  static final double C7 = C6 / 7;
  static final double C8 = C7 / 8;
  static final double C9 = C8 / 9;
  static final double C10 = C9 / 10;
  static final double C11 = C10 / 11;
  static final double C12 = C11 / 12;
  /** Where {@link #exp} computes by itself; outside (subnormal results, overflow, NaN), {@code Math.exp}. */
  static final double EXP_LOW = -708;
  static final double EXP_HIGH = 709;

  /**
   * e^x within 2 ulps of {@code StrictMath.exp} (a test holds it to that over 2 million points):
   * softmax over a 49k vocabulary takes 49k of them per candidate and step, twice with top-p, and
   * with 8 candidates {@code Math.exp} took about 3 ms of every step. x = k·ln2 + r with |r| ≤ ln2/2,
   * e^x = 2^k · e^r, e^r by its Taylor polynomial to r^12 (the next term is below 2·10^-16),
   * evaluated in Estrin's form (short dependency chains; 1 added last, which keeps it within 2 ulps).
   * No table: {@link VectorExps} computes the very same doubles a vector at a time, with the same
   * operations in the same order, and a table lookup there is a gather, which the JIT compiled
   * unevenly (draws of 2.7 to 5.5 ms a best-of-8 step between runs, measured). Below -708 (where
   * results go subnormal) and for NaN, {@code Math.exp}.
   */
  static double exp(double x) {
    if (!(x >= EXP_LOW && x <= EXP_HIGH)) {
      return Math.exp(x);
    }
    double rounded = x * ONE_OVER_LN2 + ROUNDING;
    long k = Double.doubleToRawLongBits(rounded) - ROUNDING_BITS;
    double kd = rounded - ROUNDING;
    double r = (x - kd * LN2_HIGH) - kd * LN2_LOW;
    double r2 = r * r;
    double r4 = r2 * r2;
    double r8 = r4 * r4;
    double high = r4 * ((C4 + r * C5) + r2 * (C6 + r * C7)) + r8 * ((C8 + r * C9) + r2 * (C10 + r * C11) + r4 * C12);
    double p = 1 + (r + (r2 * (C2 + r * C3) + high));
    return p * Double.longBitsToDouble((k + 1023) << 52);
  }

  /** w[i] = exp(scores[i] − max) for every score of a vector: softmax's weights, 0 for removed tokens. */
  interface Exps {
    void exps(float[] scores, float max, double[] w);
  }

  /** The scalar loop: {@link #weight} a score at a time. */
  static final Exps SCALAR = (scores, max, w) -> {
    for (int i = 0; i < scores.length; i++) {
      w[i] = weight(scores[i], max);
    }
  };

  /**
   * exp(score − max), 0 for a removed token without calling {@code Math.exp} (which {@link #exp}
   * falls back to for -inf, at several times its cost: after top-p most of a peaked distribution's
   * tokens are removed).
   */
  static double weight(float score, float max) {
    return score == Float.NEGATIVE_INFINITY ? 0 : exp((double) score - max);
  }

  /**
   * {@link VectorExps} where the JVM has the incubating Vector API (started with {@code
   * --add-modules jdk.incubator.vector}, as the java engine needs anyway) and vectors of 4 doubles
   * or more, else the scalar loop. Both give the same doubles, so the draws do not depend on it.
   */
  static final Exps EXPS = vectorExps();

  private static Exps vectorExps() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return SCALAR;
    }
    try {
      return VectorExps.worthIt() ? new VectorExps() : SCALAR;
    } catch (LinkageError e) {
      return SCALAR;
    }
  }

  /**
   * w[i] = exp(scores[i] − max) for i &lt; scores.length (w may be longer): 0 for removed tokens,
   * and within 2 ulps of the exact value for the others.
   */
  static void exps(float[] scores, float max, double[] w) {
    EXPS.exps(scores, max, w);
  }

  /** A removed token's score, as bits. */
  static final int NEGATIVE_INFINITY_BITS = Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);

  /** 1 for a score still in the running, 0 for a removed one (-inf), without a branch. */
  static int kept(float score) {
    int d = Float.floatToRawIntBits(score) ^ NEGATIVE_INFINITY_BITS; // 0 only for -inf
    return (d | -d) >>> 31;
  }

  /** The largest finite-or-infinite score; -inf when every token is removed. */
  static float max(float[] logits) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      if (v > m) {
        m = v;
      }
    }
    return m;
  }

  /** Index of the largest score, the first one on ties (as torch.argmax); -1 if all are -inf. */
  static int argmax(float[] logits) {
    int best = -1;
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] > m) {
        m = logits[i];
        best = i;
      }
    }
    return best;
  }

  /** softmax(logits) computed in double; removed (-inf) tokens get 0. */
  static double[] probabilities(float[] logits) {
    return probabilities(logits, new double[logits.length]);
  }

  /**
   * {@link #probabilities(float[])} into p[0 .. logits.length) (p may be longer, e.g. a {@link
   * Scratch} array); returns p.
   */
  static double[] probabilities(float[] logits, double[] p) {
    float m = max(logits);
    if (m == Float.NEGATIVE_INFINITY) {
      Arrays.fill(p, 0, logits.length, 0);
      return p;
    }
    exps(logits, m, p);
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      sum += p[i]; // removed tokens add +0, which changes no sum
    }
    for (int i = 0; i < logits.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Maps a float to an int whose signed order is the float's order (NaN excluded by callers). */
  static int sortableBits(float v) {
    int bits = Float.floatToIntBits(v);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /** Packs (value, index) so that sorting the longs orders by value, then by index, both ascending. */
  static long key(float value, int index) {
    return ((long) sortableBits(value) << 32) | (index & 0xffffffffL);
  }

  static int indexOf(long key) {
    return (int) key;
  }

  /**
   * The indices selected by {@code include}, ordered by ascending {@code value}, ties by ascending
   * index (a stable ascending sort, which is what torch.sort gives on CPU for these sizes).
   */
  static int[] ascendingOrder(float[] value, boolean[] include) {
    int n = 0;
    for (boolean b : include) {
      if (b) {
        n++;
      }
    }
    long[] keys = new long[n];
    int k = 0;
    for (int i = 0; i < value.length; i++) {
      if (include[i]) {
        keys[k++] = key(value[i], i);
      }
    }
    Arrays.sort(keys);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = indexOf(keys[i]);
    }
    return order;
  }

  static void requireNoNaN(float[] logits) {
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i])) {
        throw new InvalidSettingException("logits[" + i + "]", "NaN", "the model produced a NaN score");
      }
    }
  }
}
