package dev.persona4j.core.generate;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flag another thread sets to stop a reply. The generator checks it before every decoding step,
 * so a cancelled reply stops within one step and throws {@link GenerationCancelledException}.
 */
public final class Cancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  public static Cancellation create() {
    return new Cancellation();
  }

  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }
}
