package dev.persona4j.core.backend;

import dev.persona4j.Persona4jException;

/**
 * A backend cannot do what was asked with the input given: the engine is missing, a token id is
 * outside the vocabulary, a sequence would outgrow the context, or a sequence id is not live. The
 * message names the value at fault; the factories below word the cases every engine shares alike.
 */
public class BackendException extends Persona4jException {
  public BackendException(String message) {
    super(message);
  }

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A prompt or sequence would grow beyond the model's context length.
   *
   * @param what the prompt or sequence, e.g. {@code prompt 2}
   */
  public static BackendException contextLengthExceeded(int length, int contextLength, String what) {
    return new BackendException(what + " needs " + length + " positions but the model's context length is "
        + contextLength);
  }

  /**
   * A token id is negative or not below the vocabulary size.
   *
   * @param where the input holding it, e.g. {@code prompt 1, position 3}
   */
  public static BackendException tokenOutOfRange(long tokenId, int vocabSize, String where) {
    return new BackendException("token id " + tokenId + " is outside the vocabulary of " + vocabSize + " (" + where
        + ")");
  }

  /** A sequence id that is not live in a decoding state (never created, or released). */
  public static BackendException unknownSequence(int sequence, String detail) {
    return new BackendException("unknown sequence id " + sequence + ": " + detail);
  }
}
