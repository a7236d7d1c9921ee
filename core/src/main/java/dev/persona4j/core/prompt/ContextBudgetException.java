package dev.persona4j.core.prompt;

import dev.persona4j.Persona4jException;

/**
 * Even the smallest prompt (the persona definition and the latest user turn, with no history, examples
 * or lore) does not fit the token budget.
 */
public class ContextBudgetException extends Persona4jException {
  private final int budget;
  private final int minimumNeeded;

  public ContextBudgetException(int budget, int minimumNeeded) {
    super("the prompt needs at least " + minimumNeeded + " tokens (the persona definition and the latest user "
        + "turn, with no history, examples or lore) but the token budget is " + budget);
    this.budget = budget;
    this.minimumNeeded = minimumNeeded;
  }

  /** The token budget that was given. */
  public int budget() {
    return budget;
  }

  /** Tokens the smallest possible prompt takes. */
  public int minimumNeeded() {
    return minimumNeeded;
  }
}
