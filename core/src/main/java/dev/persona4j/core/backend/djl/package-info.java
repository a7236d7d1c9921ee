/**
 * The DJL (PyTorch engine) backend. {@link dev.persona4j.core.backend.djl.TransformerModel} holds
 * one architecture per class (Gpt2, Llama, Mistral, Qwen2, Qwen3, Phi3) over shared blocks
 * (Linear, RmsNorm, LayerNorm, Rotary, Attention, Activation, KvCache). Activations are kept
 * feature-major, [hidden, tokens], so that every projection is W·x with W [out, in] as stored on
 * disk. The same blocks run inference (weights frozen: projections fused, norm weights and the
 * attention scale folded in) and training (named, differentiable parameters).
 */
package dev.persona4j.core.backend.djl;
