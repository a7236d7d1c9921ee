/**
 * The DJL (PyTorch engine) backend, inference only. {@code TransformerModel}
 * runs a {@code Decoder}: {@code LlamaDecoder} for the whole Llama family (Llama, Mistral, Qwen2,
 * Qwen3, Phi-3), driven by their {@link dev.persona4j.core.architecture.Architecture} descriptions,
 * and {@code Gpt2Decoder}, over weights prepared once at load by {@code WeightPreparation}
 * (projections fused, norm weights and the attention scale folded in, the flipped rotary layout).
 * The residual stream is token-major [tokens, hidden] and every projection is W·xᵀ with W [out, in],
 * the layout MKL runs fastest for small batches.
 */
package dev.persona4j.core.backend.djl;
