package dev.persona4j.core.backend;

/** A prompt or sequence would grow beyond the model's context length. */
public class ContextLengthExceededException extends BackendException {
  private final int length;
  private final int contextLength;

  public ContextLengthExceededException(int length, int contextLength, String what) {
    super(what + " needs " + length + " positions but the model's context length is " + contextLength);
    this.length = length;
    this.contextLength = contextLength;
  }

  /** The length that was asked for. */
  public int length() {
    return length;
  }

  public int contextLength() {
    return contextLength;
  }
}
