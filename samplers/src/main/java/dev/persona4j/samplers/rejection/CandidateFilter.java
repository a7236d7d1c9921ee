package dev.persona4j.samplers.rejection;

/** A hard rule on a candidate's text: a candidate that fails any filter is never chosen. */
public interface CandidateFilter {
  /** A short name shown in verdicts, e.g. {@code max-length(800)}. */
  String name();

  FilterVerdict check(Candidate candidate);
}
