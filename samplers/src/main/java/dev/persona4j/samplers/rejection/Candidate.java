package dev.persona4j.samplers.rejection;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One candidate continuation of a prompt, carried from decoding through scoring to the reply: its
 * text and tokens and why it stopped (from the decoder), what each head thought of it (from the
 * generator), and, once a {@link SelectionRun} has judged it, the policy's combined score and every
 * filter's verdict. Immutable: each stage returns a new candidate.
 *
 * @param index position among all candidates of the reply, over every round (0-based)
 * @param round the round of rejection sampling that produced it (0-based)
 * @param seed the sampler seed it was decoded with: the same seed and prompt give the same tokens
 * @param text the decoded continuation, without any stop string
 * @param tokens its token ids
 * @param finishReason why it stopped growing
 * @param scores head name to calibrated probability, in the order the heads were configured; empty
 *     before scoring
 * @param score the one number the policy ranked it by ({@link CandidateScorer}); NaN until a policy
 *     judged it
 * @param verdicts every filter's verdict on it, in the policy's filter order; empty until a policy
 *     judged it
 */
public record Candidate(int index, int round, long seed, String text, int[] tokens, FinishReason finishReason,
    Map<String, Double> scores, double score, List<FilterVerdict> verdicts) {

  /** Checks and copies every part. */
  public Candidate {
    if (index < 0) {
      throw new IllegalArgumentException("candidate index " + index + " is negative");
    }
    Objects.requireNonNull(text, "text");
    tokens = tokens.clone();
    Objects.requireNonNull(finishReason, "finishReason");
    Map<String, Double> copy = new LinkedHashMap<>();
    scores.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException("candidate " + index + " has a null score entry " + k + "=" + v);
      }
      copy.put(k, v);
    });
    scores = Collections.unmodifiableMap(copy);
    verdicts = List.copyOf(verdicts);
  }

  /**
   * A freshly decoded candidate, not yet scored or judged.
   *
   * @param index position among all candidates of the reply, over every round (0-based)
   * @param round the round of rejection sampling that produced it (0-based)
   * @param seed the sampler seed it was decoded with
   */
  public static Candidate decoded(int index, int round, long seed, String text, int[] tokens, FinishReason finishReason) {
    return new Candidate(index, round, seed, text, tokens, finishReason, Map.of(), Double.NaN, List.of());
  }

  /** A candidate with only text and head scores (tests, or text-only sources). */
  public static Candidate of(int index, String text, Map<String, Double> scores) {
    return decoded(index, 0, 0, text, new int[0], FinishReason.MAX_TOKENS).withScores(scores);
  }

  /** This candidate with the heads' scores (head name to calibrated probability, in the heads' order). */
  public Candidate withScores(Map<String, Double> headScores) {
    return new Candidate(index, round, seed, text, tokens, finishReason, headScores, score, verdicts);
  }

  /** This candidate as a policy judged it, in the run's round {@code judgedRound} (0-based). */
  Candidate judged(int judgedRound, double policyScore, List<FilterVerdict> filterVerdicts) {
    return new Candidate(index, judgedRound, seed, text, tokens, finishReason, scores, policyScore, filterVerdicts);
  }

  /** Its token ids (a copy). */
  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  /** Number of its tokens. */
  public int tokenCount() {
    return tokens.length;
  }

  /** True when every filter passed it. */
  public boolean passed() {
    return verdicts.stream().allMatch(FilterVerdict::passed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Candidate c
        && index == c.index && round == c.round && seed == c.seed && text.equals(c.text)
        && Arrays.equals(tokens, c.tokens) && finishReason == c.finishReason && scores.equals(c.scores)
        && Double.compare(score, c.score) == 0 && verdicts.equals(c.verdicts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, round, seed, text, Arrays.hashCode(tokens), finishReason, scores, score, verdicts);
  }

  @Override
  public String toString() {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return "Candidate{#" + index + ", round " + round + ", " + finishReason + ", scores=" + scores
        + (Double.isNaN(score) ? "" : ", score=" + score) + ", tokens=" + tokens.length + ", \"" + shown + "\"}";
  }
}
