package dev.persona4j.core.architecture;

import java.util.List;

/**
 * Phi-3 (transformers' modeling_phi3): Llama with q/k/v stored fused as qkv_proj and gate/up as
 * gate_up_proj (gate first), no biases, and rotary on the first partial_rotary_factor·head_dim
 * dimensions of each head.
 */
final class Phi3 {
  static final Architecture ARCHITECTURE = Llama.ARCHITECTURE.variant("phi3", p -> {
    p.qkv = List.of("self_attn.qkv_proj");
    p.gateUp = List.of("mlp.gate_up_proj");
    p.qkvBias = Architecture.Bias.NONE;
    p.mlpBias = Architecture.Bias.NONE;
  });

  private Phi3() {}
}
