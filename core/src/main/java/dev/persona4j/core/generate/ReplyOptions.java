package dev.persona4j.core.generate;

import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Per-call options of {@link PersonaGenerator#reply}: a listener, a cancellation signal, and
 * overrides of the generator's settings for this one reply. Build with {@link #builder()}; an
 * override left empty means the generator's setting.
 *
 * <p>Cancelling and a deadline end a reply the same way: decoding stops within one step, and
 * {@code reply} returns normally with what was decoded so far; the candidates cut short finish with
 * {@link dev.persona4j.samplers.rejection.FinishReason#CANCELLED CANCELLED} or
 * {@link dev.persona4j.samplers.rejection.FinishReason#DEADLINE DEADLINE}, and no further round
 * starts.
 *
 * @param listener receives the reply's text as it is decoded
 * @param cancelled asked before every decoding step; once it answers true the reply stops and
 *     returns what it has, finishing with {@code CANCELLED}
 * @param deadline time allowed for this reply, overriding the generator's
 * @param seed the seed for this reply, overriding the generator's
 * @param sampler token sampling for this reply, overriding the generator's
 * @param stopStrings stop strings for this reply, replacing the generator's (the model's end-of-turn
 *     tokens and a base-model framing's stop strings still apply)
 * @param maxNewTokens new tokens per candidate for this reply, overriding the generator's limit
 * @param candidates candidates per round for this reply, overriding the generator's policy's
 */
public record ReplyOptions(ReplyListener listener, BooleanSupplier cancelled, Optional<Duration> deadline,
    OptionalLong seed, Optional<SamplerSettings> sampler, Optional<List<String>> stopStrings,
    OptionalInt maxNewTokens, OptionalInt candidates) {
  private static final ReplyOptions DEFAULTS = builder().build();

  /** Checks that every part is present and in range, and copies the stop strings. */
  public ReplyOptions {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancelled, "cancelled");
    deadline.ifPresent(d -> {
      if (d.isNegative() || d.isZero()) {
        throw new InvalidSettingException("deadline", d, "must be positive");
      }
    });
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(sampler, "sampler");
    stopStrings = stopStrings.map(List::copyOf);
    maxNewTokens.ifPresent(n -> {
      if (n < 1) {
        throw new InvalidSettingException("maxNewTokens", n, "must be >= 1");
      }
    });
    candidates.ifPresent(n -> {
      if (n < 1 || n > 1024) {
        throw new InvalidSettingException("candidates", n, "must be in [1, 1024]");
      }
    });
  }

  /** No listener, never cancelled, the generator's settings. */
  public static ReplyOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder; by default no listener, never cancelled, the generator's settings. */
  public static final class Builder {
    private ReplyListener listener = ReplyListener.NONE;
    private BooleanSupplier cancelled = () -> false;
    private Duration deadline;
    private OptionalLong seed = OptionalLong.empty();
    private SamplerSettings sampler;
    private List<String> stopStrings;
    private OptionalInt maxNewTokens = OptionalInt.empty();
    private OptionalInt candidates = OptionalInt.empty();

    private Builder() {}

    public Builder listener(ReplyListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Cancels the reply once {@code cancelled} answers true, e.g. {@code flag::get} of an
     * {@link java.util.concurrent.atomic.AtomicBoolean} another thread sets, or a request's
     * {@code isCancelled}. Asked from the generating thread before every step, so keep it quick.
     * The reply then returns with the text decoded so far (see {@link ReplyOptions}).
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

    /** Token sampling for this reply, e.g. {@code generator.samplerSettings().toBuilder().temperature(0.3).build()}. */
    public Builder sampler(SamplerSettings sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    /** Stop strings for this reply, in place of the generator's. */
    public Builder stopStrings(List<String> stopStrings) {
      this.stopStrings = List.copyOf(stopStrings);
      return this;
    }

    public Builder maxNewTokens(int maxNewTokens) {
      this.maxNewTokens = OptionalInt.of(maxNewTokens);
      return this;
    }

    public Builder candidates(int candidates) {
      this.candidates = OptionalInt.of(candidates);
      return this;
    }

    public ReplyOptions build() {
      return new ReplyOptions(listener, cancelled, Optional.ofNullable(deadline), seed, Optional.ofNullable(sampler),
          Optional.ofNullable(stopStrings), maxNewTokens, candidates);
    }
  }
}
