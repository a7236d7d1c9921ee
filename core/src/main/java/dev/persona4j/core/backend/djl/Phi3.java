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
  void loadProjections(Layer l, Weights w, String p, int index) {
    long hidden = config.hiddenSize();
    long q = (long) heads * headDim;
    long qkv = q + 2L * kvHeads * headDim;
    l.qkvProj = Linear.of(w, p + "self_attn.qkv_proj", qkv, hidden, false);
    l.oProj = Linear.of(w, p + "self_attn.o_proj", hidden, q, false);
    l.gateUpProj = Linear.of(w, p + "mlp.gate_up_proj", 2L * intermediate, hidden, false);
    l.downProj = Linear.of(w, p + "mlp.down_proj", hidden, intermediate, false);
  }
}
