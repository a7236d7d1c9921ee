package dev.persona4j.samplers;

/**
 * One step of the sampling chain: rewrites a score vector in place. A token is removed by setting its
 * score to {@link Float#NEGATIVE_INFINITY}. Warpers that truncate the distribution (top-k, top-p,
 * min-p, typical-p) always keep at least one token, as transformers' {@code min_tokens_to_keep=1}.
 *
 * <p>Implementations are stateless apart from their settings, so one instance may serve many
 * sequences; the per-sequence state lives in the {@link TokenHistory} passed in. Their settings come
 * from a validated {@link SamplerSettings}, so they do not check them again.
 */
interface LogitsProcessor {
  /**
   * Rewrites {@code logits} in place.
   *
   * @param logits one score per vocabulary entry
   * @param history tokens already in the sequence (prompt and generated), oldest first
   */
  void process(float[] logits, TokenHistory history);

  /** A short name for logs and error messages, e.g. {@code top-p(0.9)}. */
  String describe();
}
