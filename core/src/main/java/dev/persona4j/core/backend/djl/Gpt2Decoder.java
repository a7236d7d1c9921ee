package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * GPT-2 (transformers' modeling_gpt2): token plus learned position embeddings, then per layer
 *
 * <pre>
 *   h = x + c_proj(attention(q, k, v))   where q, k, v = c_attn(ln_1(x))
 *   x = h + mlp.c_proj(gelu_new(c_fc(ln_2(h))))
 * </pre>
 *
 * then ln_f and the head tied to the token embedding. The Conv1D weights come transposed to [out,
 * in] and c_attn's query rows scaled by 1/√headDim ({@link WeightPreparation}).
 */
final class Gpt2Decoder extends Decoder {
  private final int hidden;
  private final NDArray wte;
  private final NDArray wpe;
  private final Layer[] layers;
  private final LayerNorm lnF;
  private final NDArray lmHead;
  private final Attention attention;
  private final Activation activation;

  /** The weights of one block. */
  private record Layer(LayerNorm ln1, Linear cAttn, Linear attnProj, LayerNorm ln2, Linear cFc, Linear mlpProj) {}

  Gpt2Decoder(Architecture a, ModelConfig c, WeightPreparation prep) {
    hidden = c.hiddenSize();
    long inner = c.intermediateSize();
    double eps = c.normEps();
    wte = prep.embedTokens();
    wpe = prep.weights().matrix(a.positionEmbeddings().orElseThrow(), c.contextLength(), hidden);
    layers = new Layer[c.layers()];
    for (int i = 0; i < layers.length; i++) {
      String p = a.layer(i);
      layers[i] = new Layer(
          new LayerNorm(prep, p + a.attentionNorm(), eps),
          prep.conv1d(i, a.qkv().get(0), hidden, 3L * hidden, hidden),
          prep.conv1d(i, a.attentionOut(), hidden, hidden, 0),
          new LayerNorm(prep, p + a.mlpNorm(), eps),
          prep.conv1d(i, a.gateUp().get(0), hidden, inner, 0),
          prep.conv1d(i, a.down(), inner, hidden, 0));
    }
    activation = new Activation(c.hiddenAct(), prep.weights());
    lnF = new LayerNorm(prep, a.finalNorm(), eps);
    lmHead = prep.lmHead(wte);
    attention = new Attention(c.heads(), c.heads(), c.headDim());
  }

  @Override
  NDArray embed(NDArray ids, Pass pass) {
    return wte.get(ids).add(wpe.get(pass.positions));
  }

  @Override
  NDArray layer(int index, NDArray x, Pass pass) {
    Layer l = layers[index];
    NDArray h = x.add(selfAttention(index, l, l.ln1.forward(x), pass));
    NDArray inner = Layouts.tokenMajor(activation.apply(l.cFc.forward(l.ln2.forward(h))));
    return h.add(l.mlpProj.forwardTokenMajor(inner));
  }

  private NDArray selfAttention(int index, Layer l, NDArray x, Pass pass) {
    NDList qkv = l.cAttn.forward(x).split(new long[] {hidden, 2L * hidden}, 0); // q, k, v [hidden, columns]
    return l.attnProj.forwardTokenMajor(attention.forward(index, qkv.get(0), qkv.get(1), qkv.get(2), pass));
  }

  @Override
  NDArray finalNorm(NDArray x) {
    return lnF.forward(x);
  }

  @Override
  NDArray outputHead() {
    return lmHead;
  }
}
