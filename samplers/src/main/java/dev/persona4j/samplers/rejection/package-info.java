/**
 * Choosing among candidate continuations: hard {@link dev.persona4j.samplers.rejection.CandidateFilter}s,
 * a {@link dev.persona4j.samplers.rejection.CandidateScorer} over head scores, and a
 * {@link dev.persona4j.samplers.rejection.SelectionPolicy} (best-of-n, first above a threshold over
 * rounds, epsilon-greedy) whose {@link dev.persona4j.samplers.rejection.Selection} explains itself.
 */
package dev.persona4j.samplers.rejection;
