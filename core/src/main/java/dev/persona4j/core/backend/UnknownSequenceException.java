package dev.persona4j.core.backend;

/** A sequence id that is not live in this decoding state (never created, or released). */
public class UnknownSequenceException extends BackendException {
  private final int sequence;

  public UnknownSequenceException(int sequence, String detail) {
    super("unknown sequence id " + sequence + ": " + detail);
    this.sequence = sequence;
  }

  public int sequence() {
    return sequence;
  }
}
