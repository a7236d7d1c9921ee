package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * The Llama family (transformers' modeling_llama; Mistral, Qwen2, Qwen3 and Phi-3 differ only in
 * their {@link Architecture} description): token embedding, then per layer
 *
 * <pre>
 *   h = x + o_proj(attention(rotary(qNorm(q), kNorm(k)), v))   where q, k, v = qkv_proj(input_layernorm(x))
 *   x = h + down_proj(act(gate) · up)   where gate, up = gate_up_proj(post_attention_layernorm(h))
 * </pre>
 *
 * then a final RMSNorm and the LM head. The weights come prepared ({@link WeightPreparation}): q,
 * k, v and gate, up fused, the two layer norms' weights and the attention scale folded into them,
 * queries and keys in the flipped rotary layout.
 */
final class LlamaDecoder extends Decoder {
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int intermediate;
  private final NDArray embedTokens;
  private final NDArray lmHead;
  private final Layer[] layers;
  private final NDArray finalNormWeight;
  private final Attention attention;
  private final Activation activation;
  private final NDArray eps;
  private final NDArray minusHalf;

  /** One decoder layer's prepared weights; {@code queryKeyNorm} is null without per-head q/k norms. */
  private record Layer(Linear qkvProj, NDArray queryKeyNorm, Linear oProj, Linear gateUpProj, Linear downProj) {}

  LlamaDecoder(Architecture a, ModelConfig c, WeightPreparation prep) {
    heads = c.heads();
    kvHeads = c.kvHeads();
    headDim = c.headDim();
    intermediate = c.intermediateSize();
    embedTokens = prep.embedTokens();
    layers = new Layer[c.layers()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new Layer(prep.queryKeyValue(i), a.queryNorm().isPresent() ? prep.queryKeyNorm(i) : null,
          prep.attentionOut(i), prep.gateUp(i), prep.down(i));
    }
    finalNormWeight = prep.normWeight(a.finalNorm());
    lmHead = prep.lmHead(embedTokens);
    attention = new Attention(heads, kvHeads, headDim);
    activation = new Activation(c.hiddenAct(), prep.weights());
    eps = prep.weights().scalar((float) c.normEps());
    minusHalf = prep.weights().scalar(-0.5f);
  }

  @Override
  NDArray embed(NDArray ids, Pass pass) {
    return embedTokens.get(ids);
  }

  @Override
  NDArray layer(int index, NDArray x, Pass pass) {
    Layer l = layers[index];
    NDArray h = x.add(selfAttention(index, l, rmsNorm(x, null), pass)); // the norm's weight is in qkv_proj
    return h.add(mlp(l, rmsNorm(h, null))); // and this one's in gate_up_proj
  }

  private NDArray selfAttention(int index, Layer l, NDArray x, Pass pass) {
    long columns = x.getShape().get(0);
    NDList qkv = l.qkvProj.forward(x).split(new long[] {(long) (heads + kvHeads) * headDim}, 0);
    NDArray qk = qkv.get(0).reshape(heads + kvHeads, headDim, columns); // [heads + kvHeads, headDim, columns]
    NDArray v = qkv.get(1);
    if (l.queryKeyNorm != null) {
      qk = Norms.rms(qk, l.queryKeyNorm, 1, eps, minusHalf);
    }
    qk = Rotary.apply(qk, pass);
    NDList split = qk.split(new long[] {heads}, 0);
    NDArray q = split.get(0);
    NDArray k = split.get(1).reshape((long) kvHeads * headDim, columns);
    return l.oProj.forwardTokenMajor(attention.forward(index, q, k, v, pass));
  }

  private NDArray mlp(Layer l, NDArray x) {
    NDList gateUp = l.gateUpProj.forward(x).split(new long[] {intermediate}, 0);
    NDArray gate = gateUp.get(0);
    NDArray up = gateUp.get(1);
    return l.downProj.forwardTokenMajor(Layouts.tokenMajor(activation.apply(gate).mul(up)));
  }

  private NDArray rmsNorm(NDArray x, NDArray weight) {
    return Norms.rms(x, weight, 1, eps, minusHalf);
  }

  @Override
  NDArray finalNorm(NDArray x) {
    return rmsNorm(x, finalNormWeight);
  }

  @Override
  NDArray outputHead() {
    return lmHead;
  }
}
