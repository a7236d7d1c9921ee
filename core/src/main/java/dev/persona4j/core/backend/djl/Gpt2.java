package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * GPT-2 (transformers' modeling_gpt2): token plus learned position embeddings, then per layer
 *
 * <pre>
 *   h = x + c_proj(attention(q, k, v))   where q, k, v = c_attn(ln_1(x))
 *   x = h + mlp.c_proj(gelu_new(c_fc(ln_2(h))))
 * </pre>
 *
 * then ln_f and the head tied to the token embedding. Conv1D weights are stored [in, out] and are
 * transposed once at load.
 */
final class Gpt2 extends Architecture {
  private final int hidden;
  private final NDArray wte;
  private final NDArray wpe;
  private final Layer[] layers;
  private final LayerNorm lnF;
  private final NDArray lmHead;
  private final Attention attention;
  private final Activation activation;

  /** The weights of one block. */
  private static final class Layer {
    LayerNorm ln1;
    Linear cAttn;
    Linear attnProj;
    LayerNorm ln2;
    Linear cFc;
    Linear mlpProj;
  }

  Gpt2(ModelConfig c, Weights w) {
    super(c);
    hidden = c.hiddenSize();
    long inner = c.intermediateSize();
    double eps = c.normEps();
    wte = w.matrix("transformer.wte.weight", c.vocabSize(), hidden);
    wpe = w.matrix("transformer.wpe.weight", c.contextLength(), hidden);
    layers = new Layer[c.layers()];
    for (int i = 0; i < layers.length; i++) {
      String p = "transformer.h." + i + ".";
      Layer l = new Layer();
      l.ln1 = new LayerNorm(w, p + "ln_1", hidden, eps);
      l.cAttn = Linear.conv1d(w, p + "attn.c_attn", hidden, 3L * hidden);
      if (w.frozen()) {
        l.cAttn.scaleRows(0, hidden, w.scalar(Attention.scaleOf(c.headDim())));
      }
      l.attnProj = Linear.conv1d(w, p + "attn.c_proj", hidden, hidden);
      l.ln2 = new LayerNorm(w, p + "ln_2", hidden, eps);
      l.cFc = Linear.conv1d(w, p + "mlp.c_fc", hidden, inner);
      l.mlpProj = Linear.conv1d(w, p + "mlp.c_proj", inner, hidden);
      layers[i] = l;
    }
    activation = new Activation(c.hiddenAct(), w);
    lnF = new LayerNorm(w, "transformer.ln_f", hidden, eps);
    lmHead = c.tieWordEmbeddings() ? wte : w.matrix("lm_head.weight", c.vocabSize(), hidden);
    attention = new Attention(c.heads(), c.heads(), c.headDim(), w.frozen() ? null : w.scalar(Attention.scaleOf(c.headDim())));
  }

  @Override
  boolean rotary() {
    return false;
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
