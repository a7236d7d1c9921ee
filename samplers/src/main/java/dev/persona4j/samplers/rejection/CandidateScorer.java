package dev.persona4j.samplers.rejection;

import dev.persona4j.Persona4jException;
import dev.persona4j.samplers.InvalidSettingException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Turns a candidate's head scores into the one number a policy ranks by. */
public interface CandidateScorer {
  /**
   * The candidate's score, from its head scores.
   *
   * @throws InvalidSettingException when the candidate lacks a score this scorer reads
   */
  double score(Candidate candidate);

  /** A short description for logs and explanations, e.g. {@code weighted(voice=0.750 tone=0.250)}. */
  String describe();

  /** The score of one head. */
  static CandidateScorer head(String name) {
    Objects.requireNonNull(name, "name");
    return new CandidateScorer() {
      @Override
      public double score(Candidate c) {
        return CandidateScorers.require(c, name);
      }

      @Override
      public String describe() {
        return name;
      }
    };
  }

  /**
   * {@code sum(weight * score) / sum(weight)} over the named heads. Weights must be finite and
   * non-negative with a positive sum; every candidate must carry every named score.
   */
  static CandidateScorer weighted(Map<String, Double> weights) {
    Objects.requireNonNull(weights, "weights");
    if (weights.isEmpty()) {
      throw new InvalidSettingException("weights", "{}", "name at least one head");
    }
    double total = 0;
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      Double w = e.getValue();
      if (e.getKey() == null || w == null || !(w >= 0) || Double.isInfinite(w)) {
        throw new InvalidSettingException("weights[" + e.getKey() + "]", w, "must be a finite number >= 0");
      }
      total += w;
    }
    if (!(total > 0)) {
      throw new InvalidSettingException("weights", weights, "the weights sum to 0");
    }
    Map<String, Double> copy = new LinkedHashMap<>(weights);
    double sum = total;
    return new CandidateScorer() {
      @Override
      public double score(Candidate c) {
        double s = 0;
        for (Map.Entry<String, Double> e : copy.entrySet()) {
          s += e.getValue() * CandidateScorers.require(c, e.getKey());
        }
        return s / sum;
      }

      @Override
      public String describe() {
        StringBuilder sb = new StringBuilder("weighted(");
        copy.forEach((k, v) -> sb.append(k).append('=').append(String.format(Locale.ROOT, "%.3g", v / sum)).append(' '));
        return sb.toString().trim() + ")";
      }
    };
  }

  /** The plain mean of whatever scores the candidate carries; 0 when it has none. */
  static CandidateScorer meanOfAll() {
    return new CandidateScorer() {
      @Override
      public double score(Candidate c) {
        if (c.scores().isEmpty()) {
          return 0;
        }
        double s = 0;
        for (Map.Entry<String, Double> e : c.scores().entrySet()) {
          s += CandidateScorers.require(c, e.getKey());
        }
        return s / c.scores().size();
      }

      @Override
      public String describe() {
        return "mean of all scores";
      }
    };
  }
}

/** Shared checks for the scorers. */
final class CandidateScorers {
  private CandidateScorers() {}

  static double require(Candidate c, String head) {
    Double v = c.scores().get(head);
    if (v == null) {
      // the scorer names a head the generator does not run
      throw new InvalidSettingException("scorer", "head '" + head + "'", "candidate " + c.index()
          + " has no score from that head (it has " + c.scores().keySet() + ")");
    }
    if (Double.isNaN(v)) {
      throw new Persona4jException("candidate " + c.index() + ": score of head '" + head + "' is NaN");
    }
    return v;
  }
}
