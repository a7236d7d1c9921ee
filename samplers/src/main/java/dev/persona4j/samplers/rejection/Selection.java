package dev.persona4j.samplers.rejection;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a selection run: which candidate was chosen (by {@link Candidate#index()}),
 * by which rule, or that the policy gave up; and every candidate with its score and filter verdicts.
 */
public final class Selection {
  /** Rule names as they appear in {@link #rule()}. */
  public static final String BEST_OF_N = "best-of-n";
  public static final String FIRST_ABOVE_THRESHOLD = "first-above-threshold";
  public static final String EPSILON_GREEDY_EXPLOIT = "epsilon-greedy/exploit";
  public static final String EPSILON_GREEDY_EXPLORE = "epsilon-greedy/explore";
  public static final String GAVE_UP = "gave-up";

  private final int chosenIndex;
  private final String rule;
  private final boolean gaveUp;
  private final int bestSeenIndex;
  private final int rounds;
  private final List<Candidate> candidates;
  private final String explanation;

  Selection(int chosenIndex, String rule, boolean gaveUp, int bestSeenIndex, int rounds, List<Candidate> candidates,
      String explanation) {
    this.chosenIndex = chosenIndex;
    this.rule = rule;
    this.gaveUp = gaveUp;
    this.bestSeenIndex = bestSeenIndex;
    this.rounds = rounds;
    this.candidates = List.copyOf(candidates);
    this.explanation = explanation;
  }

  /** The chosen candidate's index, or -1 when the policy gave up. */
  public int chosenIndex() {
    return chosenIndex;
  }

  /** The rule that decided: one of the constants above. */
  public String rule() {
    return rule;
  }

  public boolean gaveUp() {
    return gaveUp;
  }

  /**
   * The best candidate seen: the highest-scoring one that passed the filters, or, when none passed,
   * the highest-scoring of all. On success it is usually the chosen one (not under epsilon-greedy
   * exploration or first-above-threshold).
   */
  public int bestSeenIndex() {
    return bestSeenIndex;
  }

  public Optional<Candidate> chosen() {
    return find(chosenIndex);
  }

  public Optional<Candidate> bestSeen() {
    return find(bestSeenIndex);
  }

  /** How many rounds of candidates were generated. */
  public int rounds() {
    return rounds;
  }

  /** Every candidate of every round, in the order offered. */
  public List<Candidate> candidates() {
    return candidates;
  }

  /** A sentence saying why, for logs and the CLI. */
  public String explanation() {
    return explanation;
  }

  private Optional<Candidate> find(int index) {
    if (index < 0) {
      return Optional.empty();
    }
    return candidates.stream().filter(c -> c.index() == index).findFirst();
  }

  @Override
  public String toString() {
    return "Selection{" + (gaveUp ? "gave up" : "chose #" + chosenIndex) + " by " + rule + ", " + rounds + " round(s), "
        + candidates.size() + " candidates: " + explanation + "}";
  }
}
