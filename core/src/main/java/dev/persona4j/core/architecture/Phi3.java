package dev.persona4j.core.architecture;

/**
 * Phi-3 (transformers' modeling_phi3): Llama with q/k/v stored fused as qkv_proj and gate/up as
 * gate_up_proj (gate first), no biases, and rotary on the first partial_rotary_factor·head_dim
 * dimensions of each head.
 */
final class Phi3 {
  static final Architecture ARCHITECTURE = Llama.ARCHITECTURE.toBuilder("phi3")
      .qkv("self_attn.qkv_proj")
      .gateUp("mlp.gate_up_proj")
      .qkvBias(Architecture.Bias.NONE)
      .mlpBias(Architecture.Bias.NONE)
      .build();

  private Phi3() {}
}
