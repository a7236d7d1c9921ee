/**
 * The DJL (PyTorch engine) backend. {@link dev.persona4j.core.backend.djl.TransformerModel} holds
 * one architecture per class (Gpt2, Llama, Mistral, Qwen2, Qwen3, Phi3) over shared blocks
 * (Linear, RmsNorm, LayerNorm, Rotary, Attention, Activation, KvCache). The residual stream is
 * token-major [tokens, hidden] and every projection is W·xᵀ with W [out, in] as stored on disk,
 * the layout MKL runs fastest for small batches. The same blocks run inference (weights frozen: projections fused, norm weights and the
 * attention scale folded in) and training (named, differentiable parameters).
 */
package dev.persona4j.core.backend.djl;
