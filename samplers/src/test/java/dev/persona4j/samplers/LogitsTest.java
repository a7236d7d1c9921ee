package dev.persona4j.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampler's own exponential against the JDK's correctly rounded-to-1-ulp {@code StrictMath.exp},
 * and its vector form against the scalar one.
 */
class LogitsTest {
  @Test
  void expIsWithinTwoUlpsOfStrictMathEverywhereSoftmaxUsesIt() {
    SplittableRandom random = new SplittableRandom(5);
    double worst = 0;
    for (int i = 0; i < 2_000_000; i++) {
      // the softmax range (x − max ≤ 0, mostly near 0) and the rest of the domain
      double x = i % 4 == 0 ? random.nextDouble(-750, 710) : -random.nextDouble() * 40;
      worst = Math.max(worst, ulps(Logits.exp(x), StrictMath.exp(x), x));
    }
    assertTrue(worst <= 2, "worst error " + worst + " ulps");
    for (double x : new double[] {0, -0.0, 1e-300, -1e-300, Math.log(2), -Math.log(2), -707.9, -708, -708.0001, -745.1, -746, 709,
        709.7, 710, -1e10}) {
      assertTrue(ulps(Logits.exp(x), StrictMath.exp(x), x) <= 2, "exp(" + x + ") = " + Logits.exp(x));
    }
    assertEquals(1.0, Logits.exp(0));
    assertEquals(0.0, Logits.exp(Double.NEGATIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, Logits.exp(Double.POSITIVE_INFINITY));
    assertTrue(Double.isNaN(Logits.exp(Double.NaN)));
  }

  private static boolean hasVectorModule() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** The build runs these tests with the module and without it (a DJL-only application's JVM). */
  @Test
  void softmaxWeightsUseTheVectorKernelExactlyWhereTheJvmHasTheModule() {
    if (hasVectorModule()) {
      assertTrue(Logits.EXPS instanceof VectorExps, "the JVM has jdk.incubator.vector, yet weights use " + Logits.EXPS);
    } else {
      assertSame(Logits.SCALAR, Logits.EXPS);
    }
  }

  /**
   * Draws must not depend on the JVM's flags: the vector kernel gives the scalar loop's doubles, bit
   * for bit, over removed tokens, results gone subnormal, a +inf "max", and lengths that leave a
   * scalar tail.
   */
  @Test
  void vectorWeightsAreTheScalarLoopsDoublesBitForBit() {
    assumeTrue(hasVectorModule(), "no jdk.incubator.vector in this JVM: the scalar loop alone is in use");
    SplittableRandom random = new SplittableRandom(23);
    VectorExps vector = new VectorExps();
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + random.nextInt(3000);
      float[] scores = new float[n];
      double spread = trial % 5 == 0 ? 400 : 0.1 + 8 * random.nextDouble(); // 400: past -708
      for (int i = 0; i < n; i++) {
        scores[i] = random.nextInt(7) == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextGaussian() * spread);
      }
      float max = trial % 50 == 0 ? Float.POSITIVE_INFINITY : Logits.max(scores);
      double[] expected = new double[n + 3];
      double[] actual = new double[n + 3];
      Logits.SCALAR.exps(scores, max, expected);
      vector.exps(scores, max, actual);
      for (int i = 0; i < n; i++) {
        assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
            "trial " + trial + ": exp(" + scores[i] + " - " + max + ") = " + expected[i] + " scalar, " + actual[i] + " vector");
      }
      assertEquals(0.0, actual[n], "wrote past the scores");
    }
  }

  private static double ulps(double actual, double expected, double x) {
    if (actual == expected) {
      return 0;
    }
    return Math.abs(actual - expected) / Math.ulp(expected);
  }
}
