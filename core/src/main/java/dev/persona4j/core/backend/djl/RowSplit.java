package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Inference: a weight [out, in] times ONE column [in, 1] as two half-height products run at once,
 * the upper rows on a helper thread and the lower rows on the caller. MKL runs a matrix-vector
 * product on one core however many threads torch has, so a single-token step reads the weights at
 * one core's bandwidth (~10.7 GB/s here vs ~18.8 GB/s with two); each output row is an independent
 * dot product, so the halves give the same values as the whole.
 *
 * <p>The helper's result joins the weight's manager but no caller {@code NDScope} (scopes are
 * per thread), so it is closed here as soon as it has been copied into the concatenation.
 */
final class RowSplit {
  /** Below this many weights (1 MiB of floats) the hand-off costs more than the second core saves. */
  static final long MIN_WEIGHTS = 1L << 18;

  private static final Helper HELPER = new Helper();

  private final NDArray upper;
  private final NDArray lower;

  private RowSplit(NDArray weight, long rows) {
    long half = rows / 2;
    upper = weight.get(new NDIndex().addSliceDim(0, half));
    lower = weight.get(new NDIndex().addSliceDim(half, rows));
  }

  /** The split views of {@code weight} [out, in] (kept for its lifetime), or null if too small. */
  static RowSplit of(NDArray weight) {
    long rows = weight.getShape().get(0);
    return rows >= 2 && weight.size() >= MIN_WEIGHTS ? new RowSplit(weight, rows) : null;
  }

  /** weight · column: column [in, 1] → [out, 1]. */
  NDArray times(NDArray column) {
    FutureTask<NDArray> upperTask = new FutureTask<>(() -> upper.matMul(column));
    HELPER.offer(upperTask);
    NDArray lowerPart;
    try {
      lowerPart = lower.matMul(column);
    } catch (RuntimeException e) {
      upperTask.cancel(false);
      closeWhenDone(upperTask);
      throw e;
    }
    upperTask.run(); // the caller does it itself if the helper has not started it yet
    NDArray upperPart = await(upperTask);
    try {
      return NDArrays.concat(new NDList(upperPart, lowerPart), 0);
    } finally {
      upperPart.close();
    }
  }

  private static NDArray await(FutureTask<NDArray> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // the helper is mid-product on native memory we own: wait it out
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          if (cause instanceof Error) {
            throw (Error) cause;
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
    if (!task.isCancelled()) {
      try {
        await(task).close();
      } catch (RuntimeException ignored) {
        // the caller's own failure is the one to report
      }
    }
  }

  /**
   * The helper thread. It spins a short while after each product before parking, because a step's
   * products come a few hundred microseconds apart and waking a parked thread takes about as long
   * as half a small product. One slot, no queue: if it is taken, the caller does its own half.
   */
  private static final class Helper extends Thread {
    private static final long SPIN_NANOS = 300_000;
    private final AtomicReference<Runnable> slot = new AtomicReference<>();
    private volatile boolean parked;

    Helper() {
      super("persona4j-row-split");
      setDaemon(true);
      start();
    }

    void offer(Runnable task) {
      if (slot.compareAndSet(null, task) && parked) {
        LockSupport.unpark(this);
      }
    }

    @Override
    public void run() {
      while (true) {
        Runnable task = slot.getAndSet(null);
        if (task != null) {
          task.run();
          continue;
        }
        long until = System.nanoTime() + SPIN_NANOS;
        while (slot.get() == null && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        if (slot.get() == null) {
          parked = true;
          if (slot.get() == null) {
            LockSupport.park(this);
          }
          parked = false;
        }
      }
    }
  }
}
