package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDManager;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * Qwen2 (transformers' modeling_qwen2): Llama's layers with biases on the q, k and v projections
 * (always, whatever the config says; o_proj and the MLP have none).
 */
final class Qwen2 extends Llama {
  Qwen2(ModelConfig c, Weights w, NDManager manager) {
    super(c.toBuilder().attentionBias(true).build(), w, manager);
  }
}
