package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDManager;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * Mistral (transformers' modeling_mistral): Llama's layers and tensor names, usually with few
 * key/value heads and an explicit head_dim. Its optional sliding-window attention is applied by the
 * attention mask (see {@link TransformerModel}), which reads {@link ModelConfig#slidingWindow()}.
 */
final class Mistral extends Llama {
  Mistral(ModelConfig c, Weights w, NDManager manager) {
    super(c, w, manager);
  }
}
