package dev.persona4j.samplers.rejection;

import dev.persona4j.samplers.InvalidSettingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a generator chooses among candidate continuations: how many to generate per round, the hard
 * filters every choice must pass, the score to rank by, and the rule (best-of-n, first above a
 * threshold, epsilon-greedy) with its number of rounds. Immutable and shareable; each prompt gets its
 * own {@link SelectionRun} from {@link #newRun()}.
 *
 * <pre>{@code
 * SelectionRun run = policy.newRun();
 * Optional<Selection> s = Optional.empty();
 * while (s.isEmpty()) {
 *   s = run.offer(generateAndScore(run.nextRoundSize()));
 * }
 * }</pre>
 */
public final class SelectionPolicy {
  private final SelectionRule rule;
  private final int requestedPerRound;
  private final double expectedRejectionRate;
  private final int maxCandidatesPerRound;
  private final CandidateScorer scorer;
  private final List<CandidateFilter> filters;

  private SelectionPolicy(Builder b) {
    this.rule = b.rule;
    this.requestedPerRound = b.candidatesPerRound;
    this.expectedRejectionRate = b.expectedRejectionRate;
    this.maxCandidatesPerRound = b.maxCandidatesPerRound;
    this.scorer = b.scorer;
    this.filters = List.copyOf(b.filters);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * How many candidates to generate so that about {@code n} survive an expected rejection rate:
   * {@code ceil(n / (1 - rate))}, capped at {@code cap}.
   */
  public static int topUp(int n, double expectedRejectionRate, int cap) {
    if (n < 1) {
      throw new InvalidSettingException("candidatesPerRound", n, "must be >= 1");
    }
    if (!(expectedRejectionRate >= 0 && expectedRejectionRate < 1)) {
      throw new InvalidSettingException("expectedRejectionRate", expectedRejectionRate, "must be in [0, 1)");
    }
    if (cap < n) {
      throw new InvalidSettingException("maxCandidatesPerRound", cap, "must be >= candidatesPerRound " + n);
    }
    // The small epsilon keeps exact quotients such as 3 / 0.75 from rounding up to 5.
    double needed = Math.ceil(n / (1 - expectedRejectionRate) - 1e-9);
    return (int) Math.min(cap, needed);
  }

  /** A builder holding this policy's settings, to derive another from it. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.rule = rule;
    b.candidatesPerRound = requestedPerRound;
    b.expectedRejectionRate = expectedRejectionRate;
    b.maxCandidatesPerRound = maxCandidatesPerRound;
    b.scorer = scorer;
    b.filters.addAll(filters);
    return b;
  }

  /** Candidates per round after topping up for the expected rejection rate. */
  public int candidatesPerRound() {
    return topUp(requestedPerRound, expectedRejectionRate, maxCandidatesPerRound);
  }

  SelectionRule rule() {
    return rule;
  }

  /** The most rounds of candidates a reply may take before the policy gives up. */
  public int maxRounds() {
    return rule.maxRounds();
  }

  /** What candidates are ranked by. */
  public CandidateScorer scorer() {
    return scorer;
  }

  /** The hard filters, in the order their verdicts are listed. */
  public List<CandidateFilter> filters() {
    return filters;
  }

  /** The share of candidates expected to fail the filters, which tops up each round. */
  public double expectedRejectionRate() {
    return expectedRejectionRate;
  }

  /** A fresh run for one prompt. */
  public SelectionRun newRun() {
    return new SelectionRun(this);
  }

  /**
   * Judges one batch of candidates. When the rule would want another round, gives up instead,
   * reporting the best seen.
   */
  public Selection select(List<Candidate> candidates) {
    SelectionRun run = newRun();
    return run.offer(candidates).orElseGet(run::giveUp);
  }

  @Override
  public String toString() {
    return "SelectionPolicy{" + rule + ", " + candidatesPerRound() + " per round, scorer " + scorer.describe()
        + ", filters " + filters + "}";
  }

  /** Builder; defaults: best-of-n, 4 candidates per round, no filters, scored by the mean of all scores. */
  public static final class Builder {
    private SelectionRule rule = new SelectionRule.BestOfN(1);
    private int candidatesPerRound = 4;
    private double expectedRejectionRate = 0;
    private int maxCandidatesPerRound = 64;
    private CandidateScorer scorer = CandidateScorer.meanOfAll();
    private final List<CandidateFilter> filters = new ArrayList<>();

    private Builder() {}

    /**
     * The highest-scoring candidate that passes the filters; another round, up to {@code maxRounds}
     * (1 to 100), only when every candidate failed a filter. The default, with one round.
     */
    public Builder bestOfN(int maxRounds) {
      this.rule = new SelectionRule.BestOfN(maxRounds);
      return this;
    }

    /**
     * The first candidate (in generation order) that passes the filters and scores at least
     * {@code threshold} (0 to 1); another round when none does, up to {@code maxRounds} (1 to 100).
     */
    public Builder firstAboveThreshold(double threshold, int maxRounds) {
      this.rule = new SelectionRule.FirstAboveThreshold(threshold, maxRounds);
      return this;
    }

    /**
     * The best passing candidate, except with probability {@code epsilon} (0 to 1) a uniformly random
     * passing one (exploration keeps a persona from collapsing onto the head's favourite phrasing). The
     * draw is seeded by {@code seed} and the round's candidates, so it is reproducible.
     */
    public Builder epsilonGreedy(double epsilon, long seed, int maxRounds) {
      this.rule = new SelectionRule.EpsilonGreedy(epsilon, seed, maxRounds);
      return this;
    }

    /** How many candidates about to keep per round (1 to 1024), before topping up; default 4. */
    public Builder candidatesPerRound(int n) {
      this.candidatesPerRound = roundSize("candidatesPerRound", n);
      return this;
    }

    /** Generate more per round so that about {@code candidatesPerRound} survive the filters. */
    public Builder expectedRejectionRate(double rate) {
      if (!(rate >= 0 && rate < 1)) {
        throw new InvalidSettingException("expectedRejectionRate", rate, "must be in [0, 1)");
      }
      this.expectedRejectionRate = rate;
      return this;
    }

    /** The cap on topped-up rounds (default 64). */
    public Builder maxCandidatesPerRound(int cap) {
      this.maxCandidatesPerRound = roundSize("maxCandidatesPerRound", cap);
      return this;
    }

    private static int roundSize(String setting, int n) {
      if (n < 1 || n > 1024) {
        throw new InvalidSettingException(setting, n, "must be in [1, 1024]");
      }
      return n;
    }

    /** What candidates are ranked by; default the mean of all their head scores. */
    public Builder scorer(CandidateScorer scorer) {
      this.scorer = Objects.requireNonNull(scorer, "scorer");
      return this;
    }

    /** Adds a hard filter every chosen candidate must pass. */
    public Builder filter(CandidateFilter filter) {
      this.filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /** Adds hard filters, in order. */
    public Builder filters(List<CandidateFilter> filters) {
      filters.forEach(this::filter);
      return this;
    }

    public SelectionPolicy build() {
      if (maxCandidatesPerRound < candidatesPerRound) {
        throw new InvalidSettingException("maxCandidatesPerRound", maxCandidatesPerRound,
            "must be >= candidatesPerRound " + candidatesPerRound);
      }
      return new SelectionPolicy(this);
    }
  }
}
