package dev.persona4j.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The processors' per-thread arrays and the sampler's own scratch are reused across calls of
 * different vocabulary sizes: nothing of one call may leak into the next, and the copies handed to
 * callers are never the reused arrays.
 */
class ScratchReuseTest {
  private static float[] logits(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] l = new float[n];
    for (int i = 0; i < n; i++) {
      // a few removed tokens too: their stale probabilities must not survive in the scratch
      l[i] = r.nextInt(50) == 0 ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * 3);
    }
    return l;
  }

  /** The processor on a thread of its own, whose scratch is fresh. */
  private static float[] onFreshThread(LogitsProcessor p, float[] logits) throws InterruptedException {
    AtomicReference<float[]> out = new AtomicReference<>();
    Thread t = new Thread(() -> {
      float[] copy = logits.clone();
      p.process(copy, new TokenHistory());
      out.set(copy);
    });
    t.start();
    t.join();
    return out.get();
  }

  @Test
  void topPAndMinPGiveTheSameResultAfterLargerAndSmallerVocabularies() throws InterruptedException {
    int[] sizes = {49152, 37, 5000, 49152, 3, 1000};
    for (LogitsProcessor p : new LogitsProcessor[] {new TopPProcessor(0.9), new MinPProcessor(0.05)}) {
      for (int k = 0; k < sizes.length; k++) {
        float[] l = logits(sizes[k], k);
        float[] here = l.clone();
        p.process(here, new TokenHistory()); // this thread's scratch holds the previous size's arrays
        assertArrayEquals(onFreshThread(p, l), here, p.describe() + " over " + sizes[k] + " tokens after " + (k == 0 ? "none" : sizes[k - 1]));
      }
    }
  }

  /**
   * Top-p's sort keys are sized to the vocabulary, not to the call's candidates: sized to the
   * candidates, whose count differs call to call on flat distributions, a thread allocated a new
   * 49k-long array every time the count reached a new high.
   */
  @Test
  void topPsSortKeysAreAllocatedOncePerVocabularyOnAThread() throws InterruptedException {
    AtomicReference<String> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      TopPProcessor p = new TopPProcessor(0.95);
      long[] first = null;
      for (int call = 0; call < 20; call++) {
        p.process(logits(49152, 900 + call), new TokenHistory());
        long[] keys = Scratch.get().keys(0);
        if (first == null) {
          first = keys;
        } else if (keys != first) {
          failure.set("call " + call + " replaced the thread's sort keys (" + first.length + " -> " + keys.length + " longs)");
          return;
        }
      }
    });
    t.start();
    t.join();
    assertEquals(null, failure.get());
  }

  @Test
  void processReturnsItsOwnArrayAndDrawsStayInsideTheNucleus() {
    SamplerSettings settings = SamplerSettings.builder().temperature(0.8).topP(0.95).minP(0.01).build();
    TokenSampler sampler = new TokenSampler(settings, 7);
    TokenSampler quiet = new TokenSampler(settings, 7); // same seed, never asked for process()
    float[] first = null;
    float[] firstCopy = null;
    for (int step = 0; step < 40; step++) {
      float[] l = logits(step % 2 == 0 ? 49152 : 1200, 100 + step);
      double[] distribution = sampler.distribution(l);
      if (step == 0) {
        first = sampler.process(l);
        firstCopy = first.clone();
      }
      int token = sampler.sample(l);
      assertTrue(distribution[token] > 0, "step " + step + " drew token " + token + ", outside the processed distribution");
      assertEquals(quiet.sample(l), token, "process()/distribution() changed the draws at step " + step);
    }
    assertArrayEquals(firstCopy, first, "a later draw wrote into the array process() returned");
  }

  /**
   * A draw's scores and weights sit in the thread's scratch: samplers taking turns on one thread
   * over vocabularies of different sizes draw what each draws alone, on a thread of its own.
   */
  @Test
  void samplersTakingTurnsOnAThreadDrawAsEachAlone() throws InterruptedException {
    SamplerSettings settings = SamplerSettings.builder().temperature(0.8).topP(0.95).build();
    int steps = 30;
    int[][] alone = new int[2][steps];
    for (int k = 0; k < 2; k++) {
      int which = k;
      Thread t = new Thread(() -> {
        TokenSampler sampler = new TokenSampler(settings, 11 + which);
        for (int step = 0; step < steps; step++) {
          alone[which][step] = sampler.sample(logits(which == 0 ? 49152 : 3000, 500 + 2 * step + which));
        }
      });
      t.start();
      t.join();
    }
    TokenSampler big = new TokenSampler(settings, 11);
    TokenSampler small = new TokenSampler(settings, 12);
    for (int step = 0; step < steps; step++) {
      assertEquals(alone[0][step], big.sample(logits(49152, 500 + 2 * step)), "49k-token sampler, step " + step);
      assertEquals(alone[1][step], small.sample(logits(3000, 501 + 2 * step)), "3k-token sampler, step " + step);
    }
  }
}
