package dev.persona4j.samplers.rejection;

/** Why a candidate stopped growing. */
public enum FinishReason {
  /** The model produced one of the stop token ids (e.g. end of turn). */
  STOP_TOKEN,
  /** The decoded text reached a stop string; the stop string is not part of the text. */
  STOP_STRING,
  /** The candidate reached the maximum number of new tokens. */
  MAX_TOKENS,
  /** The sequence filled the model's context window. */
  CONTEXT_FULL,
  /** The reply's deadline passed; the text is what was decoded until then. */
  DEADLINE,
  /** The caller cancelled the reply; the text is what was decoded until then. */
  CANCELLED
}
