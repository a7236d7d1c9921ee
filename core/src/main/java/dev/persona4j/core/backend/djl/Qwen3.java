package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * Qwen3 (transformers' modeling_qwen3): Llama's layers plus an RMSNorm over each query and key head
 * (q_norm, k_norm, one [headDim] weight each, shared by all heads) before the rotary embedding. Its
 * head_dim is usually explicit and may exceed hidden_size / heads.
 */
final class Qwen3 extends Llama {
  private NDArray[] qNorm;
  private NDArray[] kNorm;
  private NDArray[] qkNorm;
  private NDArray eps;
  private NDArray minusHalf;

  Qwen3(ModelConfig c, Weights w, NDManager manager) {
    super(c, w, manager);
  }

  @Override
  void loadProjections(Layer l, Weights w, String p, int index) {
    super.loadProjections(l, w, p, index);
    if (qNorm == null) {
      qNorm = new NDArray[config.layers()];
      kNorm = new NDArray[config.layers()];
      qkNorm = new NDArray[config.layers()];
      eps = w.scalar((float) config.normEps());
      minusHalf = w.scalar(-0.5f);
    }
    qNorm[index] = w.vector(p + "self_attn.q_norm.weight", headDim, 1f);
    kNorm[index] = w.vector(p + "self_attn.k_norm.weight", headDim, 1f);
    if (w.frozen()) {
      qkNorm[index] = stacked(index);
    }
  }

  /** The per-head weights for the fused [heads + kvHeads, headDim, 1] query/key block. */
  private NDArray stacked(int index) {
    NDArray qw = qNorm[index];
    NDArray kw = kNorm[index];
    if (headDimOrder != null) { // inference: the heads are in the flipped layout
      NDArray order = qw.getManager().create(java.util.Arrays.stream(headDimOrder).asLongStream().toArray());
      qw = qw.get(order);
      kw = kw.get(order);
    }
    NDArray q = qw.reshape(1, headDim, 1).repeat(0, heads);
    NDArray k = kw.reshape(1, headDim, 1).repeat(0, kvHeads);
    return NDArrays.concat(new NDList(q, k), 0);
  }

  @Override
  NDArray normalizeQueryKey(int index, NDArray qk) {
    NDArray weight = qkNorm[index] != null ? qkNorm[index] : stacked(index);
    return Norms.rms(qk, weight, 1, eps, minusHalf);
  }

  @Override
  long queryScaleRows() {
    return 0;
  }

  /** The scale goes after the q norm (it would be normalised away before it), into its weight. */
  @Override
  void foldQueryScale(int index, Layer l, NDArray scale) {
    NDArray stacked = qkNorm[index];
    NDIndex queries = new NDIndex().addSliceDim(0, heads);
    stacked.set(queries, stacked.get(queries).mul(scale));
  }
}
