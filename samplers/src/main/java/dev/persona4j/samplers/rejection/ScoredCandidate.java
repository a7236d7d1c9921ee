package dev.persona4j.samplers.rejection;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One generated candidate with its heads' scores.
 *
 * @param index unique within a selection run (across rounds): the generator's candidate number
 * @param text the decoded continuation
 * @param tokens its token ids
 * @param scores head name to calibrated score
 */
public record ScoredCandidate(int index, String text, int[] tokens, Map<String, Double> scores) {
  public ScoredCandidate {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(scores, "scores");
    if (index < 0) {
      throw new SelectionException("candidate index " + index + " is negative");
    }
    tokens = tokens.clone();
    Map<String, Double> copy = new LinkedHashMap<>();
    scores.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new SelectionException("candidate " + index + " has a null score entry " + k + "=" + v);
      }
      copy.put(k, v);
    });
    scores = Collections.unmodifiableMap(copy);
  }

  /** A candidate with no token ids (tests, or text-only sources). */
  public static ScoredCandidate of(int index, String text, Map<String, Double> scores) {
    return new ScoredCandidate(index, text, new int[0], scores);
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ScoredCandidate)) {
      return false;
    }
    ScoredCandidate c = (ScoredCandidate) o;
    return index == c.index && text.equals(c.text) && Arrays.equals(tokens, c.tokens) && scores.equals(c.scores);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, text, Arrays.hashCode(tokens), scores);
  }

  @Override
  public String toString() {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return "ScoredCandidate{#" + index + " \"" + shown + "\" " + scores + "}";
  }
}
