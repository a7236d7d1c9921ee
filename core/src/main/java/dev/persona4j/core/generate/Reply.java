package dev.persona4j.core.generate;

import dev.persona4j.core.prompt.Prompt;
import dev.persona4j.samplers.rejection.Selection;
import java.util.List;
import java.util.Objects;

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
  private final List<Candidate> candidates;
  private final Candidate chosen;
  private final Selection selection;
  private final Timings timings;

  Reply(Prompt prompt, List<Candidate> candidates, Candidate chosen, Selection selection, Timings timings) {
    this.prompt = Objects.requireNonNull(prompt, "prompt");
    this.candidates = List.copyOf(candidates);
    this.chosen = Objects.requireNonNull(chosen, "chosen");
    this.selection = Objects.requireNonNull(selection, "selection");
    this.timings = Objects.requireNonNull(timings, "timings");
  }

  /** The reply text: the chosen candidate's, without any stop string. */
  public String text() {
    return chosen.text();
  }

  public Candidate chosen() {
    return chosen;
  }

  /** Every candidate of every round, in the order they were generated. */
  public List<Candidate> candidates() {
    return candidates;
  }

  /** The policy's verdict: chosen index, rule, explanation, filter verdicts and scores per candidate. */
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
    return "Reply{" + selection.rule() + (gaveUp() ? " (gave up)" : "") + ", " + candidates.size() + " candidates, text="
        + text() + "}";
  }
}
