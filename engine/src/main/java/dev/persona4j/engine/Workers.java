package dev.persona4j.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The model's threads for splitting work (projection rows, attention heads): one fewer than the
 * machine's cores, since the calling thread works too. They are daemon threads, started on first
 * use, that end after a minute without work and stop when the model closes.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: a decode step splits some 150 products of 50–300 µs each,
 * and waking a parked pool thread took 15–30 µs a time here, so the second core added almost
 * nothing (batch-1 products ran at the same speed on one thread and on two, measured). A helper
 * here spins for a short while after each job, where the next one usually arrives within
 * microseconds, and parks only then: no thread spins longer than {@link #SPIN_NANOS} once the work
 * stops. Several callers may split work at once (concurrent decoding states of one model); each
 * waits only for its own tasks.
 */
final class Workers implements AutoCloseable {
  /** Name prefix of the threads, for tests and thread dumps. */
  static final String THREAD_NAME = "persona4j-engine-";
  /** How long a helper looks for the next job before it parks. */
  static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  /** How long a parked helper waits for work before its thread ends. */
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final AtomicInteger POOLS = new AtomicInteger();
  private final int threads;
  private final int id;
  private final AtomicInteger started = new AtomicInteger();
  /** One entry per helper a job asks for; a helper taking an entry works on that job's tasks. */
  private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
  private final Helper[] helpers;
  private volatile boolean closed;

  Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
    }
    this.threads = threads;
    this.id = POOLS.incrementAndGet();
    this.helpers = new Helper[threads - 1];
  }

  /** One thread per core the JVM sees. */
  static Workers sizedToMachine() {
    return new Workers(Runtime.getRuntime().availableProcessors());
  }

  int threads() {
    return threads;
  }

  /** One call's tasks: taken one index at a time by the caller and the helpers that join. */
  private static final class Job {
    final IntConsumer body;
    final int tasks;
    final Thread owner = Thread.currentThread();
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(int tasks, IntConsumer body) {
      this.tasks = tasks;
      this.body = body;
    }

    /** Runs tasks until none is left; after a failure, the rest are skipped (but counted done). */
    void drain() {
      for (int i; (i = next.getAndIncrement()) < tasks; ) {
        try {
          if (failure.get() == null) {
            body.accept(i);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          if (done.incrementAndGet() == tasks && Thread.currentThread() != owner) {
            LockSupport.unpark(owner);
          }
        }
      }
    }
  }

  /**
   * Runs {@code body} for every task index in [0, tasks), spread over the threads (the caller
   * included), and returns when all are done.
   *
   * @throws RuntimeException the first one a task threw
   */
  void forEach(int tasks, IntConsumer body) {
    int wanted = Math.min(threads - 1, tasks - 1);
    if (wanted <= 0 || closed) {
      for (int i = 0; i < tasks; i++) {
        body.accept(i);
      }
      return;
    }
    Job job = new Job(tasks, body);
    for (int h = 0; h < wanted; h++) {
      queue.offer(job);
    }
    wake(wanted);
    job.drain();
    // entries no helper took: nothing left to do for them
    while (queue.remove(job)) {
      // removed one
    }
    awaitDone(job);
    Throwable t = job.failure.get();
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

  /** Spins while helpers finish their last tasks (microseconds), then parks. */
  private static void awaitDone(Job job) {
    long start = System.nanoTime();
    while (job.done.get() < job.tasks) {
      if (System.nanoTime() - start < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(job, TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
  }

  /** Unparks up to {@code count} parked helpers and starts missing ones. */
  private void wake(int count) {
    synchronized (helpers) {
      for (int h = 0; h < helpers.length && count > 0; h++) {
        Helper helper = helpers[h];
        if (helper == null || helper.ended) {
          helpers[h] = helper = new Helper();
          helper.thread.start();
          count--;
        } else if (helper.parked) {
          LockSupport.unpark(helper.thread);
          count--;
        }
      }
    }
  }

  /** A helper thread: takes queue entries, spins briefly when there are none, then parks. */
  private final class Helper implements Runnable {
    final Thread thread;
    volatile boolean parked;
    volatile boolean ended;

    Helper() {
      thread = new Thread(this, THREAD_NAME + id + "-" + started.incrementAndGet());
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      long idleSince = System.nanoTime();
      while (!closed) {
        Job job = queue.poll();
        if (job != null) {
          job.drain();
          idleSince = System.nanoTime();
          continue;
        }
        long now = System.nanoTime();
        if (now - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
          continue;
        }
        synchronized (helpers) {
          parked = true;
        }
        // re-check after announcing: a job offered before `parked` was seen gets taken now
        if (queue.isEmpty() && !closed) {
          LockSupport.parkNanos(this, IDLE_NANOS);
        }
        synchronized (helpers) {
          parked = false;
          if (queue.isEmpty() && System.nanoTime() - now >= IDLE_NANOS) {
            ended = true; // wake() starts a new thread in this slot when work comes again
            return;
          }
        }
        idleSince = System.nanoTime();
      }
      ended = true;
    }
  }

  /** Stops the threads and waits (up to 10 s each) until they have ended. */
  @Override
  public void close() {
    closed = true;
    Helper[] all;
    synchronized (helpers) {
      all = helpers.clone();
    }
    try {
      for (Helper helper : all) {
        if (helper != null) {
          LockSupport.unpark(helper.thread);
          helper.thread.join(TimeUnit.SECONDS.toMillis(10));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
