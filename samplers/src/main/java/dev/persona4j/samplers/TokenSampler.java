package dev.persona4j.samplers;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Chooses the next token of one sequence: runs the settings' processor chain over the model's scores,
 * then draws from the resulting distribution with its own seeded generator. The same seed, settings
 * and scores give the same tokens on any thread; nothing is shared with other samplers.
 *
 * <p>Holds the sequence's token history: feed the prompt with {@link #accept(int)} (penalties
 * count prompt tokens, as transformers and llama.cpp do); {@link #sample(float[])} records what it
 * picks. One sampler per sequence; not thread-safe.
 */
public final class TokenSampler {
  private final SamplerSettings settings;
  private final List<LogitsProcessor> chain;
  private final SplittableRandom random;
  private final TokenHistory history = new TokenHistory();

  public TokenSampler(SamplerSettings settings, long seed) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.chain = List.copyOf(settings.processors());
    this.random = new SplittableRandom(seed);
  }

  /**
   * Picks the next token from {@code logits} (left unchanged) and records it in the history.
   *
   * @throws InvalidSettingException when a score is NaN, or bias/bans removed every token
   */
  public int sample(float[] logits) {
    Scratch scratch = Scratch.get();
    float[] scores = processInto(logits, scratch);
    int token = draw(scores, scratch);
    history.append(token);
    return token;
  }

  /** Records a token that is already in the sequence (a prompt token, or one forced by the caller). */
  public void accept(int token) {
    history.append(token);
  }

  /** Records several tokens already in the sequence, oldest first. */
  public void acceptAll(int... tokens) {
    history.appendAll(tokens);
  }

  /** The scores after the whole chain (a copy; -inf = removed), without drawing or recording. */
  public float[] process(float[] logits) {
    return processInto(logits, null);
  }

  /**
   * The chain run over a copy of logits: this thread's scratch (reused by its next draw), where
   * given, else a new array.
   */
  private float[] processInto(float[] logits, Scratch scratch) {
    Objects.requireNonNull(logits, "logits");
    if (logits.length == 0) {
      throw new InvalidSettingException("logits", "[]", "the score vector is empty");
    }
    Logits.requireNoNaN(logits);
    // a draw's scores live in the thread's scratch: one pair of vocabulary-sized arrays per sampler
    // (a best-of-8 reply makes eight samplers) was 4.7 MB per reply at 49k tokens, kept to its end
    float[] scores = scratch != null ? scratch.scores(logits.length) : new float[logits.length];
    System.arraycopy(logits, 0, scores, 0, logits.length);
    for (LogitsProcessor p : chain) {
      p.process(scores, history);
    }
    return scores;
  }

  /** The distribution the next draw would use: softmax of {@link #process(float[])}. */
  public double[] distribution(float[] logits) {
    return Logits.probabilities(process(logits));
  }

  /** A copy of the tokens seen so far, oldest first. */
  public int[] history() {
    return history.toArray();
  }

  /** The settings this sampler runs. */
  public SamplerSettings settings() {
    return settings;
  }

  private int draw(float[] scores, Scratch scratch) {
    float max = Logits.max(scores);
    if (max == Float.NEGATIVE_INFINITY) {
      throw new InvalidSettingException("bannedTokens/logitBias", settings.bannedTokens().size() + " banned, "
          + settings.logitBias().size() + " biased", "every token was removed, nothing left to sample");
    }
    if (max == Float.POSITIVE_INFINITY) {
      return Logits.argmax(scores); // a +inf score (huge bias) wins outright
    }
    // each weight is computed once and summed twice in the same order: the draw is the same as
    // recomputing them, at half the exp calls. Removed tokens weigh +0, which changes no sum, so
    // neither loop branches on them: top-p over a flat distribution leaves them scattered at random,
    // and the mispredicted branches cost more than the sums (measured).
    int n = scores.length;
    double[] w = scratch.weights(n);
    Logits.exps(scores, max, w);
    double total = 0;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      total += w[i];
      kept += Logits.kept(scores[i]);
    }
    if (kept == 1) {
      return lastKept(scores); // greedy and fully truncated chains need no draw
    }
    double u = random.nextDouble() * total;
    double acc = 0;
    for (int i = 0; i < n; i++) {
      acc += w[i];
      if (u < acc) {
        return i; // never a removed token: its +0 leaves acc, which u was not below, as it was
      }
    }
    return lastKept(scores); // u landed on the rounding edge of the total
  }

  /** The last token not removed. */
  private static int lastKept(float[] scores) {
    int i = scores.length - 1;
    while (scores[i] == Float.NEGATIVE_INFINITY) {
      i--;
    }
    return i;
  }
}
