package dev.persona4j.core.backend;

import dev.persona4j.core.checkpoint.GenerationConfig;

/**
 * A loaded language model. Safe to share between threads; each thread decodes with its own {@link
 * DecodingState}. Close it to free its weights.
 */
public interface LanguageModel extends AutoCloseable {
  ModelInfo info();

  /** End-of-sequence, BOS and pad ids plus the author's sampling defaults. */
  GenerationConfig generationConfig();

  /** A new, empty decoding state. */
  DecodingState newState();

  @Override
  void close();
}
