package dev.persona4j.samplers;

/**
 * The stages a {@link SamplerSettings} chain is built from. The default order is llama.cpp's: logit
 * bias first, then penalties, top-k, typical-p, top-p, min-p, and temperature last.
 */
public enum SamplerStage {
  /** Adds {@link SamplerSettings#logitBias()}. */
  LOGIT_BIAS,
  /** Removes {@link SamplerSettings#bannedTokens()}. */
  BANNED_TOKENS,
  /** Forbids repeating an n-gram of {@link SamplerSettings#noRepeatNgramSize()} tokens. */
  NO_REPEAT_NGRAM,
  /** Repetition penalty, then frequency and presence penalties, over the penalty window. */
  PENALTIES,
  TOP_K,
  TYPICAL_P,
  TOP_P,
  MIN_P,
  /** Temperature scaling; temperature 0 keeps only the best token (greedy). */
  TEMPERATURE
}
