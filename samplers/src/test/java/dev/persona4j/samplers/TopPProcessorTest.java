package dev.persona4j.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The selection-based nucleus against the definition it replaces: a stable ascending sort of the
 * whole vocabulary and a running sum, on vocabularies large enough for the selection to matter,
 * with ties and already-removed tokens.
 */
class TopPProcessorTest {

  @Test
  void removesExactlyWhatASortedCumulativeSumRemoves() {
    SplittableRandom random = new SplittableRandom(11);
    double[] ps = {0.05, 0.3, 0.5, 0.9, 0.95, 0.99};
    for (int trial = 0; trial < 60; trial++) {
      int n = 1 + random.nextInt(6000);
      double spread = 0.1 + 4 * random.nextDouble();
      boolean ties = trial % 3 == 0;
      float[] logits = new float[n];
      for (int i = 0; i < n; i++) {
        double v = random.nextGaussian() * spread;
        logits[i] = ties ? Math.round(v * 4) / 4f : (float) v;
        if (random.nextInt(10) == 0) {
          logits[i] = Float.NEGATIVE_INFINITY;
        }
      }
      double p = ps[trial % ps.length];
      float[] expected = bySorting(logits.clone(), p);
      float[] actual = logits.clone();
      new TopPProcessor(p).process(actual, TokenHistory.of(new int[0]));
      assertArrayEquals(expected, actual, "trial " + trial + ": n=" + n + ", p=" + p + ", ties=" + ties);
    }
  }

  @Test
  void aLargeFlatVocabularyRemovesWhatSortingRemoves() {
    // nearly flat scores over 49k tokens: thousands of tokens in the nucleus, a dozen a score bucket,
    // quantized scores making ties across the boundary
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 6; trial++) {
      float[] logits = new float[49_152];
      for (int i = 0; i < logits.length; i++) {
        double v = random.nextGaussian() * (0.05 + trial * 0.5);
        logits[i] = trial % 2 == 0 ? (float) v : Math.round(v * 64) / 64f;
      }
      assertRemovesWhatSortingRemoves(logits, trial < 3 ? 0.95 : 0.5, "trial " + trial);
    }
  }

  @Test
  void aPeakedVocabularyWhoseTailLiesBelowEveryBucketRemovesWhatSortingRemoves() {
    // a language model's shape: most of 49k tokens far below the top few, which the buckets alone hold
    SplittableRandom random = new SplittableRandom(8);
    for (int trial = 0; trial < 6; trial++) {
      float[] logits = new float[49_152];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) (random.nextGaussian() * (3 + 3 * trial));
        if (i % 97 == 0) {
          logits[i] = Float.NEGATIVE_INFINITY;
        }
      }
      double p = new double[] {0.5, 0.9, 0.95, 0.99, 0.999, 0.8}[trial];
      assertRemovesWhatSortingRemoves(logits, p, "trial " + trial + ", p=" + p);
    }
  }

  /** Top-p over a copy of logits leaves what {@link #bySorting} leaves. */
  private static void assertRemovesWhatSortingRemoves(float[] logits, double p, String what) {
    float[] actual = logits.clone();
    new TopPProcessor(p).process(actual, TokenHistory.of(new int[0]));
    assertArrayEquals(bySorting(logits.clone(), p), actual, what);
  }

  /** transformers' TopPLogitsWarper, spelled out: stable ascending sort, cumulative sum, keep the top. */
  private static float[] bySorting(float[] logits, double p) {
    double[] prob = Logits.probabilities(logits);
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> logits[i])); // stable: ties by index
    double cumulative = 0;
    for (int r = 0; r < order.length - 1; r++) {
      cumulative += prob[order[r]];
      if (cumulative <= 1 - p) {
        logits[order[r]] = Float.NEGATIVE_INFINITY;
      } else {
        break;
      }
    }
    return logits;
  }
}
