package dev.persona4j.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampler's own exponential against the JDK's correctly rounded-to-1-ulp {@code StrictMath.exp}. */
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

  private static double ulps(double actual, double expected, double x) {
    if (actual == expected) {
      return 0;
    }
    return Math.abs(actual - expected) / Math.ulp(expected);
  }
}
