package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * Llama (transformers' modeling_llama): token embedding, then per layer
 *
 * <pre>
 *   h = x + o_proj(attention(rotary(q, k), v))   where q, k, v = qkv_proj(input_layernorm(x))
 *   x = h + down_proj(act(gate_proj(y)) · up_proj(y))   where y = post_attention_layernorm(h)
 * </pre>
 *
 * then a final RMSNorm and the LM head. q, k and v (and gate and up) are fused into one projection
 * each at load. Mistral, Qwen2, Qwen3 and Phi-3 are this with small changes, see their classes.
 */
class Llama extends Architecture {
  final int heads;
  final int kvHeads;
  final int headDim;
  final int intermediate;
  private final NDArray embedTokens;
  private final NDArray lmHead;
  private final Layer[] layers;
  private final RmsNorm norm;
  private final Attention attention;
  private final Activation activation;
  /** Null for inference (the flipped layout, see {@link Rotary}), else the rotate-half matrix. */
  private final NDArray rotateHalf;
  /**
   * Inference: position j of each query/key head holds the checkpoint's dimension
   * headDimOrder[j] (see {@link Rotary#flippedOrder}); null when training.
   */
  final int[] headDimOrder;

  /** The weights of one decoder layer. */
  static final class Layer {
    RmsNorm inputLayernorm;
    Linear qkvProj;
    Linear oProj;
    RmsNorm postAttentionLayernorm;
    Linear gateUpProj;
    Linear downProj;
  }

  Llama(ModelConfig c, Weights w, NDManager manager) {
    super(c);
    heads = c.heads();
    kvHeads = c.kvHeads();
    headDim = c.headDim();
    intermediate = c.intermediateSize();
    long hidden = c.hiddenSize();
    headDimOrder = w.frozen() ? new Rotary(c).flippedOrder() : null;
    embedTokens = w.matrix("model.embed_tokens.weight", c.vocabSize(), hidden);
    layers = new Layer[c.layers()];
    for (int i = 0; i < layers.length; i++) {
      String p = "model.layers." + i + ".";
      Layer l = new Layer();
      l.inputLayernorm = new RmsNorm(w, p + "input_layernorm.weight", hidden, c.normEps());
      l.postAttentionLayernorm = new RmsNorm(w, p + "post_attention_layernorm.weight", hidden, c.normEps());
      loadProjections(l, w, p, i);
      if (w.frozen()) {
        // inference: the norms' weights (and the attention scale) live in the projections
        l.inputLayernorm.foldedIntoNext();
        l.postAttentionLayernorm.foldedIntoNext();
        foldQueryScale(i, l, w.scalar(Attention.scaleOf(headDim)));
      }
      layers[i] = l;
    }
    activation = new Activation(c.hiddenAct(), w);
    norm = new RmsNorm(w, "model.norm.weight", hidden, c.normEps());
    lmHead = c.tieWordEmbeddings() ? embedTokens : w.matrix("lm_head.weight", c.vocabSize(), hidden);
    attention = new Attention(heads, kvHeads, headDim, w.frozen() ? null : w.scalar(Attention.scaleOf(headDim)));
    rotateHalf = w.frozen() ? null : new Rotary(c).rotateHalf(manager);
  }

  /**
   * Reads the attention and MLP projections of layer {@code index} (names prefixed {@code p}). For
   * inference the fused q/k/v and gate/up weights are assembled in Java from the checkpoint with
   * the input norms' weights, the attention scale and the flipped head layout folded in, so the
   * engine never makes a copy and the checkpoint pages of those tensors are never mapped.
   */
  void loadProjections(Layer l, Weights w, String p, int index) {
    long hidden = config.hiddenSize();
    if (w.frozen()) {
      l.qkvProj = Linear.assembled(w, qkvNames(p), qkvRows(), hidden, qkvBias(),
          w.floats(p + "input_layernorm.weight", hidden), queryScaleRows(), Attention.scaleOf(headDim),
          queryKeyRowOrder(), headDim);
      l.gateUpProj = Linear.assembled(w, gateUpNames(p), gateUpRows(), hidden, mlpBias(),
          w.floats(p + "post_attention_layernorm.weight", hidden), 0, 1f, null, 1);
    } else {
      l.qkvProj = Linear.fused(w, hidden, qkvBias(), qkvNames(p), qkvRows());
      l.gateUpProj = Linear.fused(w, hidden, mlpBias(), gateUpNames(p), gateUpRows());
    }
    l.oProj = Linear.of(w, p + "self_attn.o_proj", hidden, (long) heads * headDim, false);
    l.downProj = Linear.of(w, p + "mlp.down_proj", hidden, intermediate, mlpBias());
  }

  /** The checkpoint projections (names without ".weight") stacked into the fused q, k, v. */
  String[] qkvNames(String p) {
    return new String[] {p + "self_attn.q_proj", p + "self_attn.k_proj", p + "self_attn.v_proj"};
  }

  long[] qkvRows() {
    long kv = (long) kvHeads * headDim;
    return new long[] {(long) heads * headDim, kv, kv};
  }

  /** The checkpoint projections stacked into the fused gate and up (gate first). */
  String[] gateUpNames(String p) {
    return new String[] {p + "mlp.gate_proj", p + "mlp.up_proj"};
  }

  long[] gateUpRows() {
    return new long[] {intermediate, intermediate};
  }

  boolean qkvBias() {
    return config.attentionBias();
  }

  boolean mlpBias() {
    return config.mlpBias();
  }

  /** Inference: the fused rows multiplied by 1/√headDim at load (the queries; Qwen3: none). */
  long queryScaleRows() {
    return (long) heads * headDim;
  }

  /** The fused q, k, v rows with every query and key head in the flipped layout. */
  private long[] queryKeyRowOrder() {
    long[] order = new long[(heads + 2 * kvHeads) * headDim];
    for (int r = 0; r < order.length; r++) {
      int head = r / headDim;
      order[r] = head < heads + kvHeads ? (long) head * headDim + headDimOrder[r % headDim] : r;
    }
    return order;
  }

  /**
   * Inference hook for an attention scale that cannot live in the query projection (Qwen3 puts it
   * after its q norm); Llama's is folded in by {@link #queryScaleRows}.
   */
  void foldQueryScale(int index, Layer l, NDArray scale) {}

  @Override
  boolean rotary() {
    return true;
  }

  @Override
  NDArray embed(NDArray ids, Pass pass) {
    return embedTokens.get(ids);
  }

  @Override
  NDArray layer(int index, NDArray x, Pass pass) {
    Layer l = layers[index];
    NDArray h = x.add(selfAttention(index, l, l.inputLayernorm.forward(x), pass));
    return h.add(mlp(l, l.postAttentionLayernorm.forward(h)));
  }

  NDArray selfAttention(int index, Layer l, NDArray x, Pass pass) {
    long columns = x.getShape().get(0);
    NDList qkv = l.qkvProj.forward(x).split(new long[] {(long) (heads + kvHeads) * headDim}, 0);
    NDArray qk = qkv.get(0).reshape(heads + kvHeads, headDim, columns); // [heads + kvHeads, headDim, columns]
    NDArray v = qkv.get(1);
    qk = Rotary.apply(normalizeQueryKey(index, qk), pass, rotateHalf);
    NDList split = qk.split(new long[] {heads}, 0);
    NDArray q = split.get(0);
    NDArray k = split.get(1).reshape((long) kvHeads * headDim, columns);
    return l.oProj.forwardTokenMajor(attention.forward(index, q, k, v, pass));
  }

  /** Hook for per-head query/key norms (Qwen3); qk is [heads + kvHeads, headDim, columns]. */
  NDArray normalizeQueryKey(int index, NDArray qk) {
    return qk;
  }

  NDArray mlp(Layer l, NDArray x) {
    NDList gateUp = l.gateUpProj.forward(x).split(new long[] {intermediate}, 0);
    NDArray gate = gateUp.get(0);
    NDArray up = gateUp.get(1);
    return l.downProj.forwardTokenMajor(Layouts.tokenMajor(activation.apply(gate).mul(up)));
  }

  @Override
  NDArray finalNorm(NDArray x) {
    return norm.forward(x);
  }

  @Override
  NDArray outputHead() {
    return lmHead;
  }
}
