package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.util.List;

/**
 * Load-time weight preparation: turns the checkpoint's tensors, as its {@link Architecture} names
 * them, into the projections the engine runs, so the forward pass does less:
 *
 * <ul>
 *   <li>q, k and v (and gate and up) are fused into one projection each, assembled in Java from
 *       the checkpoint (the sources are never mapped and the engine never makes a copy);
 *   <li>the RMSNorm weight before a projection is folded into its columns, and the attention scale
 *       1/√headDim into the query rows (or, with per-head q norms, into the q norm's weight, since
 *       the norm would undo it);
 *   <li>every query and key head is stored in the flipped rotary layout (see {@link Rotary});
 *   <li>GPT-2's Conv1D weights are transposed to [out, in].
 * </ul>
 */
final class WeightPreparation {
  private final Architecture architecture;
  private final ModelConfig config;
  private final Weights weights;
  private final RowSplit.Workers workers;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final long hidden;
  private final float attentionScale;
  /** Position j of each query/key head holds the checkpoint's dimension headDimOrder[j]. */
  private final int[] headDimOrder;

  WeightPreparation(Architecture architecture, ModelConfig config, Weights weights, RowSplit.Workers workers) {
    this.architecture = architecture;
    this.config = config;
    this.weights = weights;
    this.workers = workers;
    this.heads = config.heads();
    this.kvHeads = config.kvHeads();
    this.headDim = config.headDim();
    this.hidden = config.hiddenSize();
    this.attentionScale = (float) (1.0 / Math.sqrt(headDim));
    checkShapes();
    this.headDimOrder = architecture.positions() == Architecture.Positions.ROTARY ? Rotary.flippedOrder(config) : null;
  }

  /**
   * The projections' shapes against the config, from the headers alone, before anything sized by the
   * config is allocated: a config that lies (head_dim 10⁹) fails here, naming the tensor.
   */
  private void checkShapes() {
    weights.checkShape(architecture.embedTokens(), config.vocabSize(), hidden);
    if (architecture.positions() != Architecture.Positions.ROTARY) {
      return; // GPT-2's Conv1D weights are stored [in, out]; their shapes are checked as they are read
    }
    long q = (long) heads * headDim;
    long kv = (long) kvHeads * headDim;
    long[] qkvRows = architecture.fusedQkv() ? new long[] {q + 2 * kv} : new long[] {q, kv, kv};
    for (int layer = 0; layer < config.layers(); layer++) {
      String p = architecture.layer(layer);
      for (int i = 0; i < qkvRows.length; i++) {
        weights.checkShape(p + architecture.qkv().get(i) + ".weight", qkvRows[i], hidden);
      }
      weights.checkShape(p + architecture.attentionOut() + ".weight", hidden, q);
    }
  }

  Weights weights() {
    return weights;
  }

  /** The token embedding [vocab, hidden]. */
  NDArray embedTokens() {
    return weights.matrix(architecture.embedTokens(), config.vocabSize(), hidden);
  }

  /** The output head [vocab, hidden]: the token embedding when tied. */
  NDArray lmHead(NDArray embedTokens) {
    return config.tieWordEmbeddings() ? embedTokens : weights.matrix(architecture.lmHead(), config.vocabSize(), hidden);
  }

  /** A norm's weight [hidden] (module name + ".weight"). */
  NDArray normWeight(String module) {
    return weights.vector(module + ".weight", hidden);
  }

  /** A norm's bias [hidden] (LayerNorm). */
  NDArray normBias(String module) {
    return weights.vector(module + ".bias", hidden);
  }

  /**
   * Layer {@code index}'s fused q, k, v [(heads + 2·kvHeads)·headDim, hidden]: the attention
   * norm's weight folded in, the queries scaled (unless a q norm takes the scale), and queries and
   * keys in the flipped layout.
   */
  Linear queryKeyValue(int index) {
    String p = architecture.layer(index);
    long kv = (long) kvHeads * headDim;
    long[] rows = architecture.fusedQkv() ? new long[] {(long) heads * headDim + 2 * kv} : new long[] {(long) heads * headDim, kv, kv};
    long scaledRows = architecture.queryNorm().isPresent() ? 0 : (long) heads * headDim;
    return assembled(p, architecture.qkv(), rows, architecture.qkvBias().present(config.attentionBias()),
        weights.floats(p + architecture.attentionNorm() + ".weight", hidden), scaledRows, attentionScale, queryKeyRowOrder(), headDim);
  }

  /** Layer {@code index}'s fused gate and up [2·intermediate, hidden], the MLP norm's weight folded in. */
  Linear gateUp(int index) {
    String p = architecture.layer(index);
    long inter = config.intermediateSize();
    long[] rows = architecture.gateUp().size() == 1 ? new long[] {2 * inter} : new long[] {inter, inter};
    return assembled(p, architecture.gateUp(), rows, architecture.mlpBias().present(config.mlpBias()),
        weights.floats(p + architecture.mlpNorm() + ".weight", hidden), 0, 1f, null, 1);
  }

  /** Layer {@code index}'s attention output projection [hidden, heads·headDim], as stored. */
  Linear attentionOut(int index) {
    return stored(architecture.layer(index) + architecture.attentionOut(), hidden, (long) heads * headDim,
        architecture.outBias().present(config.attentionBias()));
  }

  /** Layer {@code index}'s MLP output projection [hidden, intermediate], as stored. */
  Linear down(int index) {
    return stored(architecture.layer(index) + architecture.down(), hidden, config.intermediateSize(),
        architecture.mlpBias().present(config.mlpBias()));
  }

  /**
   * Layer {@code index}'s per-head q and k norm weights for the fused [heads + kvHeads, headDim,
   * columns] block, [heads + kvHeads, headDim, 1] in the flipped layout, the queries' rows times
   * the attention scale (the norm comes after the projection and would normalise it away there).
   */
  NDArray queryKeyNorm(int index) {
    String p = architecture.layer(index);
    float[] q = weights.floats(p + architecture.queryNorm().orElseThrow() + ".weight", headDim);
    float[] k = weights.floats(p + architecture.keyNorm().orElseThrow() + ".weight", headDim);
    float[] stacked = new float[(heads + kvHeads) * headDim];
    for (int h = 0; h < heads + kvHeads; h++) {
      for (int j = 0; j < headDim; j++) {
        stacked[h * headDim + j] = h < heads ? q[headDimOrder[j]] * attentionScale : k[headDimOrder[j]];
      }
    }
    return weights.manager.create(stacked, new Shape(heads + kvHeads, headDim, 1));
  }

  /**
   * GPT-2's Conv1D layer {@code module} of layer {@code index}, stored [in, out], as a projection
   * [out, in] with its bias; the first {@code scaledRows} rows (the queries of c_attn) times the
   * attention scale.
   */
  Linear conv1d(int index, String module, long in, long out, long scaledRows) {
    String p = architecture.layer(index) + module;
    NDArray weight = weights.conv1d(p + ".weight", in, out);
    NDArray bias = weights.vector(p + ".bias", out);
    if (scaledRows > 0) {
      NDIndex rows = new NDIndex().addSliceDim(0, scaledRows);
      NDArray scale = weights.scalar(attentionScale);
      weight.set(rows, weight.get(rows).mul(scale));
      bias.set(rows, bias.get(rows).mul(scale));
    }
    return new Linear(weight, bias, workers);
  }

  private Linear stored(String module, long out, long in, boolean withBias) {
    return new Linear(weights.matrix(module + ".weight", out, in), withBias ? weights.vector(module + ".bias", out) : null, workers);
  }

  /**
   * The tensors {@code modules} [rows[i], hidden] of a layer stacked into one weight assembled in
   * Java straight from the checkpoint: column c times {@code inputScale[c]}, rows [0, scaledRows)
   * times {@code rowScale}, row r taken from row {@code rowOrder[r]} (null: unchanged). Biases get
   * the same row scale and order.
   */
  private Linear assembled(String p, List<String> modules, long[] rows, boolean withBias, float[] inputScale,
      long scaledRows, float rowScale, long[] rowOrder, int block) {
    String[] names = new String[modules.size()];
    int out = 0;
    for (int i = 0; i < names.length; i++) {
      names[i] = p + modules.get(i) + ".weight";
      out += Math.toIntExact(rows[i]);
    }
    NDArray weight = weights.assembled(names, rows, hidden, rowOrder, block, inputScale, scaledRows, rowScale);
    NDArray bias = null;
    if (withBias) {
      float[] b = new float[out];
      int at = 0;
      for (int i = 0; i < names.length; i++) {
        float[] part = weights.floats(p + modules.get(i) + ".bias", rows[i]);
        System.arraycopy(part, 0, b, at, part.length);
        at += part.length;
      }
      float[] ordered = new float[out];
      for (int r = 0; r < out; r++) {
        ordered[r] = b[rowOrder != null ? Math.toIntExact(rowOrder[r]) : r];
        if (r < scaledRows) {
          ordered[r] *= rowScale;
        }
      }
      bias = weights.manager.create(ordered);
    }
    return new Linear(weight, bias, workers);
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
}
