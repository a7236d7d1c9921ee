package dev.persona4j.samplers.rejection;

import dev.persona4j.samplers.InvalidSettingException;

/**
 * How a policy picks among candidates that passed the filters, chosen with the
 * {@link SelectionPolicy.Builder}'s rule methods. Every rule runs up to
 * {@link #maxRounds()} rounds of candidates; a rule that finds nothing acceptable in the last round
 * gives up, reporting the best candidate seen.
 */
sealed interface SelectionRule
    permits SelectionRule.BestOfN, SelectionRule.FirstAboveThreshold, SelectionRule.EpsilonGreedy {

  int maxRounds();

  /** The highest-scoring candidate; another round only when every candidate failed a filter. */
  record BestOfN(int maxRounds) implements SelectionRule {
    public BestOfN {
      checkRounds(maxRounds);
    }
  }

  /**
   * The first candidate (in generation order) scoring at least {@code threshold}; another round when
   * none does, up to {@code maxRounds}.
   */
  record FirstAboveThreshold(double threshold, int maxRounds) implements SelectionRule {
    public FirstAboveThreshold {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new InvalidSettingException("threshold", threshold, "must be in [0, 1]");
      }
      checkRounds(maxRounds);
    }
  }

  /**
   * The best candidate, except with probability {@code epsilon} a uniformly random passing one
   * (exploration keeps a persona from collapsing onto the head's favourite phrasing). The draw is
   * seeded by {@code seed} and the round's candidates, so it is reproducible.
   */
  record EpsilonGreedy(double epsilon, long seed, int maxRounds) implements SelectionRule {
    public EpsilonGreedy {
      if (!(epsilon >= 0 && epsilon <= 1)) {
        throw new InvalidSettingException("epsilon", epsilon, "must be in [0, 1]");
      }
      checkRounds(maxRounds);
    }
  }

  private static void checkRounds(int maxRounds) {
    if (maxRounds < 1 || maxRounds > 100) {
      throw new InvalidSettingException("maxRounds", maxRounds, "must be in [1, 100]");
    }
  }
}
