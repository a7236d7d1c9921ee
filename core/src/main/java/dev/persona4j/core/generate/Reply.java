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
 */
public final class Reply {
  private final Prompt prompt;
  private final Candidate chosen;
  private final Selection selection;
  private final Timings timings;
  private final Map<Integer, CandidateActivations> activations;

  Reply(Prompt prompt, Candidate chosen, Selection selection, Timings timings,
      Map<Integer, CandidateActivations> activations) {
    this.prompt = Objects.requireNonNull(prompt, "prompt");
    this.chosen = Objects.requireNonNull(chosen, "chosen");
    this.selection = Objects.requireNonNull(selection, "selection");
    this.timings = Objects.requireNonNull(timings, "timings");
    this.activations = Map.copyOf(activations);
  }

  /** The reply text: the chosen candidate's, without any stop string. */
  public String text() {
    return chosen.text();
  }

  /** The chosen candidate (the best seen when the policy {@link #gaveUp() gave up}), as the policy judged it. */
  public Candidate chosen() {
    return chosen;
  }

  /**
   * Every candidate of every round, in the order they were generated, each with its head scores, the
   * policy's score and the filters' verdicts.
   */
  public List<Candidate> candidates() {
    return selection.candidates();
  }

  /**
   * The activations captured while decoding {@code candidate}: present only when the generator was
   * built to {@link PersonaGenerator.Builder#keepActivations keep them} and something was tapped.
   */
  public Optional<CandidateActivations> activations(Candidate candidate) {
    Objects.requireNonNull(candidate, "candidate");
    return Optional.ofNullable(activations.get(candidate.index()));
  }

  /** The policy's verdict: chosen index, rule, explanation and every judged candidate. */
  public Selection selection() {
    return selection;
  }

  /** True when no candidate was accepted and {@link #chosen()} is only the best seen. */
  public boolean gaveUp() {
    return selection.gaveUp();
  }

  /** Why the chosen candidate stopped. */
  public FinishReason finishReason() {
    return chosen.finishReason();
  }

  /** The prompt the model saw. */
  public Prompt prompt() {
    return prompt;
  }

  public Timings timings() {
    return timings;
  }

  @Override
  public String toString() {
    return "Reply{" + selection.rule() + (gaveUp() ? " (gave up)" : "") + ", " + candidates().size() + " candidates, text="
        + text() + "}";
  }
}
