package dev.persona4j.core.architecture;

/**
 * Llama (transformers' modeling_llama): q/k/v and gate/up stored separately, biases as
 * config.json's {@code attention_bias} (q, k, v) and {@code mlp_bias} say, RMSNorm, rotary on the
 * whole head (optionally scaled: linear, llama3), SiLU, embeddings untied unless configured.
 */
final class Llama {
  static final Architecture ARCHITECTURE = Architecture.llamaFamily("llama").build();

  private Llama() {}
}
