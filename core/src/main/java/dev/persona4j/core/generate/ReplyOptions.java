package dev.persona4j.core.generate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** Per-call options of {@link PersonaGenerator#reply}: a listener, a cancellation, a deadline and a seed. */
public final class ReplyOptions {
  private static final ReplyOptions DEFAULTS = builder().build();

  private final ReplyListener listener;
  private final Cancellation cancellation;
  private final Duration deadline;
  private final Long seed;

  private ReplyOptions(Builder b) {
    this.listener = b.listener;
    this.cancellation = b.cancellation;
    this.deadline = b.deadline;
    this.seed = b.seed;
  }

  public static ReplyOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ReplyListener listener() {
    return listener;
  }

  public Cancellation cancellation() {
    return cancellation;
  }

  /** Time allowed for this reply, overriding the generator's. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The seed for this reply, overriding the generator's. */
  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /** Builder; by default no listener, never cancelled, the generator's deadline and seed. */
  public static final class Builder {
    private ReplyListener listener = ReplyListener.NONE;
    private Cancellation cancellation = Cancellation.create();
    private Duration deadline;
    private Long seed;

    private Builder() {}

    public Builder listener(ReplyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder cancellation(Cancellation cancellation) {
      this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
      return this;
    }

    public Builder deadline(Duration deadline) {
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be positive, got " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public ReplyOptions build() {
      return new ReplyOptions(this);
    }
  }
}
