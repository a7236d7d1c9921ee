package dev.persona4j.samplers.rejection;

import java.util.List;
import java.util.Objects;

/** One candidate as the policy judged it: its combined score and every filter's verdict. */
public record CandidateReport(ScoredCandidate candidate, int round, double score, List<FilterVerdict> verdicts) {
  public CandidateReport {
    Objects.requireNonNull(candidate, "candidate");
    verdicts = List.copyOf(verdicts);
  }

  /** True when every filter passed it. */
  public boolean passed() {
    for (FilterVerdict v : verdicts) {
      if (!v.passed()) {
        return false;
      }
    }
    return true;
  }

  public int index() {
    return candidate.index();
  }
}
