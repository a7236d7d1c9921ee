package dev.persona4j.examples.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * This machine's memory read bandwidth, measured as the best of several streaming sums of a 512 MiB
 * array split over every core: the rate a batch-1 decode step, which reads every weight once, is
 * bound by. Four independent scalar accumulators load faster than memory delivers, so the figure is
 * the memory's, not the loop's.
 */
final class ReadBandwidth {
  private static final int LONGS = 64 << 20;
  private static final int REPEATS = 8;

  private ReadBandwidth() {}

  /** Bytes per second read by {@code threads} threads at once. */
  static double measure(int threads) {
    long[] data = new long[LONGS];
    Arrays.fill(data, 1L);
    for (int i = 0; i < 2000; i++) {
      sum(data, 0, 1 << 12); // compiled before it is timed
    }
    int per = LONGS / threads / 4 * 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "bench-bandwidth");
      t.setDaemon(true);
      return t;
    });
    try {
      double best = 0;
      for (int repeat = 0; repeat < REPEATS; repeat++) {
        long start = System.nanoTime();
        List<Future<Long>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int from = t * per;
          parts.add(pool.submit(() -> sum(data, from, from + per)));
        }
        long total = 0;
        for (Future<Long> f : parts) {
          total += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (total != (long) per * threads) {
          throw new IllegalStateException("streaming sum is wrong: " + total);
        }
        best = Math.max(best, 8.0 * per * threads / seconds);
      }
      return best;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while measuring the read bandwidth", e);
    } catch (ExecutionException e) {
      throw new BenchException("measuring the read bandwidth failed: " + e.getCause(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sum of data[from, to), to − from a multiple of 4. */
  private static long sum(long[] data, int from, int to) {
    long a = 0;
    long b = 0;
    long c = 0;
    long d = 0;
    for (int i = from; i < to; i += 4) {
      a += data[i];
      b += data[i + 1];
      c += data[i + 2];
      d += data[i + 3];
    }
    return a + b + c + d;
  }
}
