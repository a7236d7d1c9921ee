package dev.persona4j.core.backend;

import dev.persona4j.core.checkpoint.GenerationConfig;
import dev.persona4j.tokenizers.Tokenizer;

/**
 * A loaded language model. Safe to share between threads; each thread decodes with its own {@link
 * DecodingState}. Close it to free its weights.
 */
public interface LanguageModel extends AutoCloseable {
  ModelInfo info();

  /**
   * The model's tokenizer, from {@code tokenizer.json} (and {@code tokenizer_config.json}) in the
   * model directory; loaded on first use and closed with the model.
   *
   * @throws dev.persona4j.tokenizers.TokenizerException naming the file if the directory has no
   *     usable tokenizer
   */
  Tokenizer tokenizer();

  /** End-of-sequence, BOS and pad ids plus the author's sampling defaults. */
  GenerationConfig generationConfig();

  /** A new, empty decoding state. */
  DecodingState newState();

  @Override
  void close();
}
