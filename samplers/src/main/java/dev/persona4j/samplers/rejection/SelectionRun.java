package dev.persona4j.samplers.rejection;

import dev.persona4j.Persona4jException;
import dev.persona4j.samplers.InvalidSettingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One prompt's selection: receives rounds of scored candidates and says after each whether to
 * generate another round or which candidate won. Not thread-safe; use one per prompt.
 */
public final class SelectionRun {
  private final SelectionPolicy policy;
  private final List<Candidate> reports = new ArrayList<>();
  private final Set<Integer> indices = new HashSet<>();
  private int rounds;
  private Selection result;

  SelectionRun(SelectionPolicy policy) {
    this.policy = policy;
  }

  /** How many candidates the next round should have. */
  public int nextRoundSize() {
    return policy.candidatesPerRound();
  }

  /** How many rounds have been offered so far. */
  public int roundsRun() {
    return rounds;
  }

  /** True once the run has a {@link Selection}. */
  public boolean finished() {
    return result != null;
  }

  /**
   * Judges one round of candidates.
   *
   * @return the selection once the policy has decided, or empty when it wants another round of
   *     {@link #nextRoundSize()} candidates; the judged candidates (with their round, score and
   *     verdicts) are in the final {@link Selection}
   * @throws IllegalArgumentException for an empty round or a repeated candidate index
   * @throws InvalidSettingException when a candidate lacks a score the policy's scorer reads
   * @throws Persona4jException when a score is NaN
   * @throws IllegalStateException when the run has already finished
   */
  public Optional<Selection> offer(List<Candidate> round) {
    Objects.requireNonNull(round, "round");
    if (result != null) {
      throw new IllegalStateException("this selection run already finished: " + result);
    }
    if (round.isEmpty()) {
      throw new IllegalArgumentException("a round needs at least one candidate");
    }
    rounds++;
    List<Candidate> current = new ArrayList<>();
    for (Candidate c : round) {
      Objects.requireNonNull(c, "candidate");
      if (!indices.add(c.index())) {
        throw new IllegalArgumentException("candidate index " + c.index() + " was offered twice in this run");
      }
      double score = policy.scorer().score(c);
      if (Double.isNaN(score)) {
        throw new Persona4jException("candidate " + c.index() + ": " + policy.scorer().describe() + " is NaN");
      }
      List<FilterVerdict> verdicts = new ArrayList<>();
      for (CandidateFilter f : policy.filters()) {
        verdicts.add(f.check(c));
      }
      Candidate r = c.judged(rounds - 1, score, verdicts);
      current.add(r);
      reports.add(r);
    }

    SelectionRule rule = policy.rule();
    List<Candidate> passing = current.stream().filter(Candidate::passed).toList();
    if (rule instanceof SelectionRule.FirstAboveThreshold) {
      double threshold = ((SelectionRule.FirstAboveThreshold) rule).threshold();
      for (Candidate r : passing) {
        if (r.score() >= threshold) {
          return finish(r.index(), Selection.FIRST_ABOVE_THRESHOLD, String.format(Locale.ROOT,
              "#%d is the first to pass the filters with score %.3f >= %.3f (round %d)", r.index(), r.score(), threshold,
              rounds));
        }
      }
    } else if (!passing.isEmpty()) {
      Candidate best = best(passing);
      if (rule instanceof SelectionRule.EpsilonGreedy) {
        SelectionRule.EpsilonGreedy eg = (SelectionRule.EpsilonGreedy) rule;
        SplittableRandom random = new SplittableRandom(seedFor(eg.seed(), current));
        if (random.nextDouble() < eg.epsilon()) {
          Candidate pick = passing.get(random.nextInt(passing.size()));
          return finish(pick.index(), Selection.EPSILON_GREEDY_EXPLORE, String.format(Locale.ROOT,
              "explored: #%d drawn at random from %d passing candidates (score %.3f; best %.3f)", pick.index(),
              passing.size(), pick.score(), best.score()));
        }
        return finish(best.index(), Selection.EPSILON_GREEDY_EXPLOIT, String.format(Locale.ROOT,
            "exploited: #%d has the best score %.3f of %d passing candidates", best.index(), best.score(), passing.size()));
      }
      return finish(best.index(), Selection.BEST_OF_N, String.format(Locale.ROOT,
          "#%d has the best score %.3f of %d passing candidates", best.index(), best.score(), passing.size()));
    }
    if (rounds < rule.maxRounds()) {
      return Optional.empty();
    }
    return Optional.of(giveUp());
  }

  /**
   * Ends the run now without a winner (rounds exhausted, or the caller's time budget ran out),
   * reporting the best candidate seen.
   */
  public Selection giveUp() {
    if (result != null) {
      return result;
    }
    List<Candidate> passing = reports.stream().filter(Candidate::passed).toList();
    Candidate best = reports.isEmpty() ? null : best(passing.isEmpty() ? reports : passing);
    String why;
    SelectionRule rule = policy.rule();
    if (reports.isEmpty()) {
      why = "no candidates were offered";
    } else if (passing.isEmpty()) {
      why = String.format(Locale.ROOT, "all %d candidates failed a filter in %d round(s); best seen #%d scored %.3f (%s)",
          reports.size(), rounds, best.index(), best.score(), firstFailure(best));
    } else if (rule instanceof SelectionRule.FirstAboveThreshold) {
      why = String.format(Locale.ROOT, "no candidate scored >= %.3f in %d round(s) of %d; best seen #%d scored %.3f",
          ((SelectionRule.FirstAboveThreshold) rule).threshold(), rounds, policy.candidatesPerRound(), best.index(),
          best.score());
    } else {
      why = String.format(Locale.ROOT, "stopped after %d round(s); best seen #%d scored %.3f", rounds, best.index(),
          best.score());
    }
    result = new Selection(-1, Selection.GAVE_UP, true, best == null ? -1 : best.index(), rounds, reports, why);
    return result;
  }

  private Optional<Selection> finish(int index, String rule, String why) {
    List<Candidate> passing = reports.stream().filter(Candidate::passed).toList();
    int bestSeen = best(passing.isEmpty() ? reports : passing).index();
    result = new Selection(index, rule, false, bestSeen, rounds, reports, why);
    return Optional.of(result);
  }

  /** Highest score; ties go to the earlier candidate. */
  private static Candidate best(List<Candidate> list) {
    Candidate best = null;
    for (Candidate r : list) {
      if (best == null || r.score() > best.score()) {
        best = r;
      }
    }
    return best;
  }

  private static String firstFailure(Candidate r) {
    for (FilterVerdict v : r.verdicts()) {
      if (!v.passed()) {
        return v.filter() + ": " + v.reason();
      }
    }
    return "passed";
  }

  /** The seed mixed with the round's texts: reproducible, yet different across prompts. */
  private long seedFor(long seed, List<Candidate> round) {
    long h = seed * 0x9E3779B97F4A7C15L + rounds;
    for (Candidate r : round) {
      h = h * 1_000_003L + r.text().hashCode();
      h = h * 1_000_003L + r.index();
    }
    return h;
  }
}
