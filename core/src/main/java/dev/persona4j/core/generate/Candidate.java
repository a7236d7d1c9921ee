package dev.persona4j.core.generate;

import dev.persona4j.samplers.heads.CandidateActivations;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decoded continuation of the prompt: its text, tokens, why it stopped, and — once scored —
 * what each head thought of it. The activations captured while decoding it are kept only as long
 * as the generator needs them for scoring.
 */
public final class Candidate {
  private final int index;
  private final int round;
  private final long seed;
  private final String text;
  private final int[] tokens;
  private final FinishReason finishReason;
  private final Map<String, Double> scores;
  private final CandidateActivations activations;

  Candidate(
      int index,
      int round,
      long seed,
      String text,
      int[] tokens,
      FinishReason finishReason,
      Map<String, Double> scores,
      CandidateActivations activations) {
    this.index = index;
    this.round = round;
    this.seed = seed;
    this.text = Objects.requireNonNull(text, "text");
    this.tokens = tokens.clone();
    this.finishReason = Objects.requireNonNull(finishReason, "finishReason");
    this.scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    this.activations = activations;
  }

  /** Position among all candidates of the reply, over every round (0-based). */
  public int index() {
    return index;
  }

  /** The round of rejection sampling that produced it (0-based). */
  public int round() {
    return round;
  }

  /** The sampler seed it was decoded with: the same seed and prompt give the same tokens. */
  public long seed() {
    return seed;
  }

  public String text() {
    return text;
  }

  public int[] tokens() {
    return tokens.clone();
  }

  public int tokenCount() {
    return tokens.length;
  }

  public FinishReason finishReason() {
    return finishReason;
  }

  /** Head name to calibrated probability, in the order the heads were configured. */
  public Map<String, Double> scores() {
    return scores;
  }

  /** The middle-layer activations captured while decoding, if they were kept. */
  public Optional<CandidateActivations> activations() {
    return Optional.ofNullable(activations);
  }

  Candidate withScores(Map<String, Double> newScores) {
    return new Candidate(index, round, seed, text, tokens, finishReason, newScores, activations);
  }

  Candidate withoutActivations() {
    return new Candidate(index, round, seed, text, tokens, finishReason, scores, null);
  }

  @Override
  public String toString() {
    return "Candidate{#" + index + ", round " + round + ", " + finishReason + ", scores=" + scores
        + ", tokens=" + tokens.length + ", text=" + text + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Candidate c
        && index == c.index && round == c.round && seed == c.seed && text.equals(c.text)
        && Arrays.equals(tokens, c.tokens) && finishReason == c.finishReason && scores.equals(c.scores);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, round, seed, text, Arrays.hashCode(tokens), finishReason, scores);
  }
}
