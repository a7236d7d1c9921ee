package dev.persona4j.core.generate;

import dev.persona4j.Persona4jException;

/** A reply was cancelled through {@link ReplyOptions#cancelled()} before it finished. */
public final class GenerationCancelledException extends Persona4jException {
  private final int stepsDone;

  GenerationCancelledException(int stepsDone) {
    super("reply cancelled after " + stepsDone + " decoding step(s)");
    this.stepsDone = stepsDone;
  }

  /** Decoding steps completed before the cancellation was seen. */
  public int stepsDone() {
    return stepsDone;
  }
}
