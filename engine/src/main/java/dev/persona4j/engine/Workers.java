package dev.persona4j.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The model's threads for splitting work (projection rows, attention heads): one fewer than the
 * machine's cores, since the calling thread works too. They are daemon threads that park when idle
 * (no spinning), end after a minute without work, and stop when the model closes.
 */
final class Workers implements AutoCloseable {
  /** Name prefix of the threads, for tests and thread dumps. */
  static final String THREAD_NAME = "persona4j-engine-";
  private static final AtomicInteger POOLS = new AtomicInteger();
  private final int threads;
  private final ThreadPoolExecutor pool;
  /** Every thread the pool started, joined on close (the pool reports termination before they end). */
  private final List<Thread> started = new CopyOnWriteArrayList<>();

  Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
    }
    this.threads = threads;
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    this.pool = threads == 1 ? null : new ThreadPoolExecutor(threads - 1, threads - 1, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, THREAD_NAME + id + "-" + n.incrementAndGet());
          t.setDaemon(true);
          started.add(t);
          return t;
        });
    if (pool != null) {
      pool.allowCoreThreadTimeOut(true);
    }
  }

  /** One thread per core the JVM sees. */
  static Workers sizedToMachine() {
    return new Workers(Runtime.getRuntime().availableProcessors());
  }

  int threads() {
    return threads;
  }

  /**
   * Runs {@code body} for every task index in [0, tasks), spread over the threads (the caller
   * included), and returns when all are done.
   *
   * @throws RuntimeException the first one a task threw
   */
  void forEach(int tasks, IntConsumer body) {
    int helpers = pool == null ? 0 : Math.min(threads - 1, tasks - 1);
    if (helpers <= 0) {
      for (int i = 0; i < tasks; i++) {
        body.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(helpers);
    Runnable drain = () -> {
      try {
        for (int i; (i = next.getAndIncrement()) < tasks && failure.get() == null; ) {
          body.accept(i);
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
    for (int h = 0; h < helpers; h++) {
      pool.execute(() -> {
        try {
          drain.run();
        } finally {
          done.countDown();
        }
      });
    }
    drain.run();
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the engine's threads were working", e);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  /** Stops the threads and waits (up to 10 s each) until they have ended. */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
      try {
        for (Thread t : started) {
          t.join(TimeUnit.SECONDS.toMillis(10));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      started.clear();
    }
  }
}
