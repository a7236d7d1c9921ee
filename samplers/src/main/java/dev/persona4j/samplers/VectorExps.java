package dev.persona4j.samplers;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Logits#exp} over a whole score vector with the incubating Vector API, a lane per score:
 * the same operations in the same order, so every weight is the very double the scalar loop gives
 * (a test holds the two to it), at a sixth of its time (49k scores: 42 against 260 µs, measured).
 * The softmax weights of a 49k vocabulary were most of a draw's time, and a best-of-8 step draws
 * eight of them. Loaded only where the JVM has the module (see {@link Logits}).
 */
final class VectorExps implements Logits.Exps {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = D.length();
  /**
   * The preferred float shape, twice the doubles' lanes, half of each load used: the java engine's
   * kernels use this shape, and floats of a second shape in the same JVM slowed its batch-8 step
   * from 21 to 35 ms (measured; the Vector API's shared code then sees two classes where C2 needs
   * one to intrinsify).
   */
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Whether this machine's vectors are wide enough to beat the scalar loop (4 doubles or more). */
  static boolean worthIt() {
    return LANES >= 4 && F.length() == 2 * LANES;
  }

  @Override
  public void exps(float[] scores, float max, double[] w) {
    int n = scores.length;
    int i = 0;
    // a step converts the first half of a float vector loaded at i (one body, no helper: C2 gave up
    // inlining a second copy of it, and each vector passed to it then went through the heap)
    for (; i + 2 * LANES <= n; i += LANES) {
      DoubleVector x = ((DoubleVector) FloatVector.fromArray(F, scores, i).convertShape(VectorOperators.F2D, D, 0)).sub((double) max);
      VectorMask<Double> inRange = x.compare(VectorOperators.GE, Logits.EXP_LOW).and(x.compare(VectorOperators.LE, Logits.EXP_HIGH));
      DoubleVector rounded = x.mul(Logits.ONE_OVER_LN2).add(Logits.ROUNDING);
      LongVector k = rounded.reinterpretAsLongs().sub(Logits.ROUNDING_BITS);
      DoubleVector kd = rounded.sub(Logits.ROUNDING);
      DoubleVector r = x.sub(kd.mul(Logits.LN2_HIGH)).sub(kd.mul(Logits.LN2_LOW));
      DoubleVector r2 = r.mul(r);
      DoubleVector r4 = r2.mul(r2);
      DoubleVector r8 = r4.mul(r4);
      DoubleVector high = r4.mul(r.mul(Logits.C5).add(Logits.C4).add(r2.mul(r.mul(Logits.C7).add(Logits.C6))))
          .add(r8.mul(r.mul(Logits.C9).add(Logits.C8).add(r2.mul(r.mul(Logits.C11).add(Logits.C10))).add(r4.mul(Logits.C12))));
      DoubleVector p = r.add(r2.mul(r.mul(Logits.C3).add(Logits.C2)).add(high)).add(1);
      DoubleVector e = p.mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
      // removed tokens weigh 0 here: after top-p, most of a peaked distribution's lanes are removed
      VectorMask<Double> removed = x.compare(VectorOperators.EQ, Double.NEGATIVE_INFINITY);
      e.blend(0.0, removed).intoArray(w, i);
      if (!inRange.or(removed).allTrue()) {
        for (int j = i; j < i + LANES; j++) {
          w[j] = Logits.weight(scores[j], max); // results gone subnormal: Math.exp's
        }
      }
    }
    for (; i < n; i++) {
      w[i] = Logits.weight(scores[i], max);
    }
  }
}
