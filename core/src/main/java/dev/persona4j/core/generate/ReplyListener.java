package dev.persona4j.core.generate;

/**
 * Receives a reply's text as it is decoded. Called on the generating thread; keep it quick.
 *
 * <p>With one candidate, {@link #onReplyText} streams the reply token by token. With several, the
 * reply is only known once the candidates are scored, so {@link #onReplyText} receives the chosen
 * text in one piece at the end, while {@link #onCandidateText} streams every candidate as it grows.
 */
public interface ReplyListener {
  /** Text that became complete in candidate {@code candidate} (never half a character, never a stop string). */
  default void onCandidateText(int candidate, String text) {}

  /** Text of the reply the user will get. */
  default void onReplyText(String text) {}

  ReplyListener NONE = new ReplyListener() {};
}
