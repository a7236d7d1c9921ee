package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Inference: a weight [out, in] times ONE column [in, 1] as row blocks multiplied at once, the
 * first blocks on the model's {@link Workers} and the last on the caller. MKL runs a matrix-vector
 * product on one core however many threads torch has, so a single-token step would read the
 * weights at one core's bandwidth (~10.7 GB/s here vs ~18.8 GB/s with two); each output row is an
 * independent dot product, so the blocks give the same values as the whole.
 *
 * <p>A worker's result joins the weight's manager but no caller {@code NDScope} (scopes are per
 * thread), so it is closed here as soon as it has been copied into the concatenation.
 */
final class RowSplit {
  /** Below this many weights (512 KiB of floats) per block the hand-off costs more than a core saves. */
  static final long MIN_BLOCK_WEIGHTS = 1L << 17;

  private final NDArray[] blocks;
  private final Workers workers;

  private RowSplit(NDArray weight, int parts, Workers workers) {
    long rows = weight.getShape().get(0);
    blocks = new NDArray[parts];
    for (int i = 0; i < parts; i++) {
      blocks[i] = weight.get(new NDIndex().addSliceDim(rows * i / parts, rows * (i + 1) / parts));
    }
    this.workers = workers;
  }

  /**
   * The row blocks of {@code weight} [out, in] (kept for its lifetime), one per worker plus the
   * caller's, fewer for a small weight; null when a single block would do.
   */
  static RowSplit of(NDArray weight, Workers workers) {
    long rows = weight.getShape().get(0);
    long parts = Math.min(Math.min(workers.size() + 1L, rows), weight.size() / MIN_BLOCK_WEIGHTS);
    return parts >= 2 ? new RowSplit(weight, (int) parts, workers) : null;
  }

  /** weight · column: column [in, 1] → [out, 1]. */
  NDArray times(NDArray column) {
    int last = blocks.length - 1;
    List<FutureTask<NDArray>> tasks = new ArrayList<>(last);
    for (int i = 0; i < last; i++) {
      NDArray block = blocks[i];
      FutureTask<NDArray> task = new FutureTask<>(() -> block.matMul(column));
      workers.offer(i, task);
      tasks.add(task);
    }
    NDArray lastPart;
    try {
      lastPart = blocks[last].matMul(column);
    } catch (RuntimeException e) {
      tasks.forEach(RowSplit::closeWhenDone);
      throw e;
    }
    NDList parts = new NDList(blocks.length);
    try {
      for (FutureTask<NDArray> task : tasks) {
        task.run(); // the caller does it itself if the worker has not started it yet
        parts.add(await(task));
      }
      parts.add(lastPart);
      return NDArrays.concat(parts, 0);
    } finally {
      for (int i = 0; i < parts.size() && i < last; i++) {
        parts.get(i).close();
      }
    }
  }

  private static NDArray await(FutureTask<NDArray> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // the worker is mid-product on native memory we own: wait it out
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeWhenDone(FutureTask<NDArray> task) {
    task.run(); // runs it here unless a worker has it, so waiting below always ends
    try {
      await(task).close();
    } catch (RuntimeException ignored) {
      // the caller's own failure is the one to report
    }
  }

  /**
   * The helper threads of one loaded model: one fewer than the machine's processors (the caller is
   * the last). Each spins a short while after a product before parking, because a step's products
   * come a few hundred microseconds apart and waking a parked thread takes about as long as half a
   * small product; with nothing to decode they stay parked. One slot each, no queue: if a slot is
   * taken, the caller does that block itself. {@link #close()} stops them.
   */
  static final class Workers implements AutoCloseable {
    static final String THREAD_NAME = "persona4j-row-split";
    private static final AtomicInteger MODELS = new AtomicInteger();
    private final Worker[] threads;

    Workers(int count) {
      threads = new Worker[Math.max(0, count)];
      int model = MODELS.incrementAndGet();
      for (int i = 0; i < threads.length; i++) {
        threads[i] = new Worker(THREAD_NAME + "-" + model + "-" + i);
      }
    }

    /** As many helpers as the machine has processors, less the caller's. */
    static Workers sizedToMachine() {
      return new Workers(Runtime.getRuntime().availableProcessors() - 1);
    }

    int size() {
      return threads.length;
    }

    void offer(int index, Runnable task) {
      threads[index % threads.length].offer(task);
    }

    /** Stops the threads and waits for them to end. */
    @Override
    public void close() {
      for (Worker w : threads) {
        w.stopRunning();
      }
      boolean interrupted = false;
      for (Worker w : threads) {
        while (w.isAlive()) {
          try {
            w.join();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final class Worker extends Thread {
    private static final long SPIN_NANOS = 300_000;
    private final AtomicReference<Runnable> slot = new AtomicReference<>();
    private volatile boolean parked;
    private volatile boolean running = true;

    Worker(String name) {
      super(name);
      setDaemon(true);
      start();
    }

    void offer(Runnable task) {
      if (slot.compareAndSet(null, task) && parked) {
        LockSupport.unpark(this);
      }
    }

    void stopRunning() {
      running = false;
      LockSupport.unpark(this);
    }

    @Override
    public void run() {
      while (running) {
        Runnable task = slot.getAndSet(null);
        if (task != null) {
          task.run();
          continue;
        }
        long until = System.nanoTime() + SPIN_NANOS;
        while (slot.get() == null && running && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        if (slot.get() == null && running) {
          parked = true;
          if (slot.get() == null && running) {
            LockSupport.park(this);
          }
          parked = false;
        }
      }
      Runnable left = slot.getAndSet(null);
      if (left != null) {
        left.run(); // a caller may be waiting on it
      }
    }
  }
}
