package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDManager;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * Phi-3 (transformers' modeling_phi3): Llama's layers with q, k, v stored fused as qkv_proj and
 * gate, up as gate_up_proj (gate first), and rotary embedding on only the first
 * partial_rotary_factor·head_dim dimensions of each head (handled by {@link Rotary}).
 */
final class Phi3 extends Llama {
  Phi3(ModelConfig c, Weights w, NDManager manager) {
    super(c, w, manager);
  }

  @Override
  String[] qkvNames(String p) {
    return new String[] {p + "self_attn.qkv_proj"};
  }

  @Override
  long[] qkvRows() {
    return new long[] {(long) (heads + 2 * kvHeads) * headDim};
  }

  @Override
  String[] gateUpNames(String p) {
    return new String[] {p + "mlp.gate_up_proj"};
  }

  @Override
  long[] gateUpRows() {
    return new long[] {2L * intermediate};
  }

  @Override
  boolean qkvBias() {
    return false;
  }

  @Override
  boolean mlpBias() {
    return false;
  }
}
