package dev.persona4j.samplers.rejection;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a selection run: which candidate was chosen (by {@link Candidate#index()}),
 * by which rule, or that the policy gave up; and every candidate with its score and filter verdicts.
 *
 * @param chosenIndex the chosen candidate's index, or -1 when the policy gave up
 * @param rule the rule that decided: one of the constants below
 * @param gaveUp true when no candidate was accepted
 * @param bestSeenIndex the best candidate seen: the highest-scoring one that passed the filters, or,
 *     when none passed, the highest-scoring of all. On success it is usually the chosen one (not
 *     under epsilon-greedy exploration or first-above-threshold)
 * @param rounds how many rounds of candidates were generated
 * @param candidates every candidate of every round, in the order offered
 * @param explanation a sentence saying why, for logs and the CLI
 */
public record Selection(int chosenIndex, String rule, boolean gaveUp, int bestSeenIndex, int rounds,
    List<Candidate> candidates, String explanation) {
  /** Rule names as they appear in {@link #rule()}. */
  public static final String BEST_OF_N = "best-of-n";
  public static final String FIRST_ABOVE_THRESHOLD = "first-above-threshold";
  public static final String EPSILON_GREEDY_EXPLOIT = "epsilon-greedy/exploit";
  public static final String EPSILON_GREEDY_EXPLORE = "epsilon-greedy/explore";
  public static final String GAVE_UP = "gave-up";

  /** Copies the candidates. */
  public Selection {
    candidates = List.copyOf(candidates);
  }

  /** The chosen candidate; empty when the policy gave up. */
  public Optional<Candidate> chosen() {
    return find(chosenIndex);
  }

  /** The best candidate seen (see {@link #bestSeenIndex()}). */
  public Optional<Candidate> bestSeen() {
    return find(bestSeenIndex);
  }

  private Optional<Candidate> find(int index) {
    return candidates.stream().filter(c -> c.index() == index).findFirst();
  }

  @Override
  public String toString() {
    return "Selection{" + (gaveUp ? "gave up" : "chose #" + chosenIndex) + " by " + rule + ", " + rounds + " round(s), "
        + candidates.size() + " candidates: " + explanation + "}";
  }
}
