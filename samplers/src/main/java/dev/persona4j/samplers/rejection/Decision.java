package dev.persona4j.samplers.rejection;

import java.util.Objects;

/** What a {@link SelectionRun} tells the generator after a round: generate another, or here is the result. */
public final class Decision {
  private final Selection selection;
  private final int nextRoundSize;

  private Decision(Selection selection, int nextRoundSize) {
    this.selection = selection;
    this.nextRoundSize = nextRoundSize;
  }

  static Decision anotherRound(int candidates) {
    return new Decision(null, candidates);
  }

  static Decision done(Selection selection) {
    return new Decision(Objects.requireNonNull(selection), 0);
  }

  /** True when the policy wants another round of candidates. */
  public boolean anotherRound() {
    return selection == null;
  }

  /** How many candidates the next round should have (0 when done). */
  public int nextRoundSize() {
    return nextRoundSize;
  }

  /**
   * The final selection.
   *
   * @throws IllegalStateException when another round was asked for
   */
  public Selection selection() {
    if (selection == null) {
      throw new IllegalStateException("the policy asked for another round of " + nextRoundSize + " candidates");
    }
    return selection;
  }

  @Override
  public String toString() {
    return selection == null ? "Decision{another round of " + nextRoundSize + "}" : "Decision{" + selection + "}";
  }
}
