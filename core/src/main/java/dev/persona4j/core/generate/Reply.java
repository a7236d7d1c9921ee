package dev.persona4j.core.generate;

import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.prompt.Prompt;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.FinishReason;
import dev.persona4j.samplers.rejection.Selection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The character's reply to a conversation: the chosen candidate's text, together with every
 * candidate generated for it, their head scores, and the rule that chose the winner.
 *
 * <p>When the policy gave up (no candidate passed its filters or threshold within its rounds), the
 * reply carries the best candidate seen and {@link #gaveUp()} is true: the caller decides whether
 * to show it.
 *
 * @param prompt the prompt the model saw
 * @param chosen the chosen candidate (the best seen when the policy {@link #gaveUp() gave up}), as
 *     the policy judged it
 * @param selection the policy's verdict: chosen index, rule, explanation and every judged candidate
 * @param timings where the reply's time went
 * @param activations candidate index to the activations captured while decoding it: filled only when
 *     the generator was built to {@link PersonaGenerator.Builder#keepActivations keep them} and
 *     something was tapped
 */
public record Reply(Prompt prompt, Candidate chosen, Selection selection, Timings timings,
    Map<Integer, CandidateActivations> activations) {

  /** Checks that every part is present and copies the activations. */
  public Reply {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(chosen, "chosen");
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(timings, "timings");
    activations = Map.copyOf(activations);
  }

  /** The reply text: the chosen candidate's, without any stop string. */
  public String text() {
    return chosen.text();
  }

  /**
   * Every candidate of every round, in the order they were generated, each with its head scores, the
   * policy's score and the filters' verdicts.
   */
  public List<Candidate> candidates() {
    return selection.candidates();
  }

  /** The activations captured while decoding {@code candidate}, if they were kept. */
  public Optional<CandidateActivations> activations(Candidate candidate) {
    Objects.requireNonNull(candidate, "candidate");
    return Optional.ofNullable(activations.get(candidate.index()));
  }

  /** True when no candidate was accepted and {@link #chosen()} is only the best seen. */
  public boolean gaveUp() {
    return selection.gaveUp();
  }

  /** Why the chosen candidate stopped. */
  public FinishReason finishReason() {
    return chosen.finishReason();
  }

  @Override
  public String toString() {
    return "Reply{" + selection.rule() + (gaveUp() ? " (gave up)" : "") + ", " + candidates().size() + " candidates, text="
        + text() + "}";
  }
}
