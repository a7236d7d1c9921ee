package dev.persona4j.core.generate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Per-call options of {@link PersonaGenerator#reply}: a listener, a cancellation signal, a deadline
 * and a seed. Build with {@link #builder()}.
 *
 * @param listener receives the reply's text as it is decoded
 * @param cancelled asked before every decoding step; once it answers true the reply stops and throws
 *     {@link GenerationCancelledException}
 * @param deadline time allowed for this reply, overriding the generator's
 * @param seed the seed for this reply, overriding the generator's
 */
public record ReplyOptions(ReplyListener listener, BooleanSupplier cancelled, Optional<Duration> deadline,
    OptionalLong seed) {
  private static final ReplyOptions DEFAULTS = builder().build();

  /** Checks that every part is present and the deadline, if any, positive. */
  public ReplyOptions {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancelled, "cancelled");
    deadline.ifPresent(d -> {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("deadline must be positive, got " + d);
      }
    });
    Objects.requireNonNull(seed, "seed");
  }

  /** No listener, never cancelled, the generator's deadline and seed. */
  public static ReplyOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder; by default no listener, never cancelled, the generator's deadline and seed. */
  public static final class Builder {
    private ReplyListener listener = ReplyListener.NONE;
    private BooleanSupplier cancelled = () -> false;
    private Duration deadline;
    private OptionalLong seed = OptionalLong.empty();

    private Builder() {}

    public Builder listener(ReplyListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Cancels the reply once {@code cancelled} answers true, e.g. {@code flag::get} of an
     * {@link java.util.concurrent.atomic.AtomicBoolean} another thread sets, or a request's
     * {@code isCancelled}. Asked from the generating thread before every step, so keep it quick.
     */
    public Builder cancelledWhen(BooleanSupplier cancelled) {
      this.cancelled = cancelled;
      return this;
    }

    public Builder deadline(Duration deadline) {
      this.deadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    public Builder seed(long seed) {
      this.seed = OptionalLong.of(seed);
      return this;
    }

    public ReplyOptions build() {
      return new ReplyOptions(listener, cancelled, Optional.ofNullable(deadline), seed);
    }
  }
}
