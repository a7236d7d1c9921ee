package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * A checkpoint loaded for inference on DJL: its {@link Decoder} over prepared weights, the rotary
 * tables, and the helper threads of single-token products, all owned by one manager. The decoding
 * states run passes through it ({@link #pass}, {@link #mask}, {@link #run}, {@link #logits}).
 *
 * <p>Results of a forward pass belong to the model's manager (an op's result joins the manager of
 * its first operand): run each step inside an {@code NDScope}.
 */
final class TransformerModel implements AutoCloseable {
  /** The {@code rope_type} values {@link ModelConfig#rotaryInverseFrequencies()} computes. */
  private static final Set<String> ROPE_TYPES = Set.of("default", "linear", "llama3");
  private final ModelConfig config;
  private final NDManager manager;
  private final RowSplit.Workers workers;
  private final Decoder decoder;
  private final Rotary rotary;
  /** The output head's row blocks for single-token logits on several cores (see RowSplit). */
  private final RowSplit headSplit;

  private TransformerModel(Checkpoint checkpoint, NDManager manager, RowSplit.Workers workers) {
    this.config = checkpoint.config();
    this.manager = manager;
    this.workers = workers;
    Architecture architecture = Architecture.of(config.modelType()).orElseThrow();
    Weights weights = new Weights(checkpoint, manager);
    this.decoder = Decoder.create(architecture, config, new WeightPreparation(architecture, config, weights, workers));
    this.rotary = architecture.positions() == Architecture.Positions.ROTARY ? new Rotary(config) : null;
    this.headSplit = RowSplit.of(decoder.outputHead(), workers);
  }

  /**
   * Loads a checkpoint for inference into a sub-manager of {@code manager}.
   *
   * @throws CheckpointException naming config.json and the field this engine cannot run, or the tensor at fault
   */
  static TransformerModel open(Checkpoint checkpoint, NDManager manager) {
    checkSupported(checkpoint.config(), checkpoint.directory().resolve(Checkpoint.CONFIG));
    NDManager own = manager.newSubManager();
    RowSplit.Workers workers = RowSplit.Workers.sizedToMachine();
    try {
      return new TransformerModel(checkpoint, own, workers);
    } catch (RuntimeException e) {
      workers.close();
      own.close();
      throw e;
    }
  }

  /** @throws CheckpointException naming config.json and the field this code cannot run */
  static void checkSupported(ModelConfig config, Path file) {
    if (Architecture.of(config.modelType()).isEmpty()) {
      throw new CheckpointException(file, "model_type", "'" + config.modelType() + "' is not supported; supported: " + String.join(", ", Architecture.modelTypes()));
    }
    if (!Activation.supports(config.hiddenAct())) {
      throw new CheckpointException(file, config.modelType().equals("gpt2") ? "activation_function" : "hidden_act", "activation '" + config.hiddenAct() + "' is not supported");
    }
    if (!ROPE_TYPES.contains(config.ropeType())) {
      throw new CheckpointException(file, "rope_scaling.rope_type", "'" + config.ropeType() + "' is not supported (supported: default, linear, llama3)");
    }
    if (config.modelType().equals("gpt2") && config.headDim() * config.heads() != config.hiddenSize()) {
      throw new CheckpointException(file, "n_head", "must divide n_embd");
    }
  }

  ModelConfig config() {
    return config;
  }

  NDManager manager() {
    return manager;
  }

  /** Stops the helper threads and frees the weights. */
  @Override
  public void close() {
    workers.close();
    manager.close();
  }

  /** Builds a pass; {@code positions} are the columns' absolute positions. */
  Pass pass(NDManager m, int batch, int width, int[] positions, NDArray mask, Pass.KeyValues keyValues, NDArray[] steering,
      Pass.Cap[] caps) {
    NDArray[] tables = rotary == null ? null : rotary.flippedTables(m, positions);
    NDArray pos = null;
    if (rotary == null) {
      long[] p = new long[positions.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = positions[i];
      }
      pos = m.create(p);
    }
    return new Pass(batch, width, pos, tables, mask, keyValues, steering, caps);
  }

  /**
   * The additive attention mask [batch, 1, 1, width, keys] ([batch, 1, 1, keys] for a single
   * query per sequence), broadcast over heads: query t of sequence b (absolute
   * position starts[b] + t) may read key position s when s ≤ its position, s is a real token of
   * the sequence (s &lt; starts[b] + lengths[b]), and s is inside the sliding window if any. Null
   * when nothing is masked.
   */
  NDArray mask(NDManager m, int batch, int width, int keys, int[] starts, int[] lengths) {
    return mask(m, config.slidingWindow().orElse(Integer.MAX_VALUE), batch, width, keys, starts, lengths);
  }

  /** {@link #mask(NDManager, int, int, int, int[], int[])} for a sliding window of {@code window} keys. */
  static NDArray mask(NDManager m, int window, int batch, int width, int keys, int[] starts, int[] lengths) {
    float[] mask = new float[batch * width * keys];
    Arrays.fill(mask, Float.NEGATIVE_INFINITY);
    for (int b = 0; b < batch; b++) {
      int end = starts[b] + lengths[b];
      for (int t = 0; t < width; t++) {
        int query = starts[b] + t;
        int from = Math.max(0, query - window + 1);
        int to = Math.min(query, end - 1);
        if (t >= lengths[b]) {
          // a padding query: its output is discarded, but a fully masked row would be NaN, and
          // NaN keys from it would poison real queries in the next layer
          from = end - 1;
          to = end - 1;
        }
        int base = (b * width + t) * keys;
        for (int s = from; s <= to; s++) {
          mask[base + s] = 0f;
        }
      }
    }
    for (float v : mask) {
      if (v != 0f) {
        return m.create(mask, width == 1 ? new Shape(batch, 1, 1, keys) : new Shape(batch, 1, 1, width, keys));
      }
    }
    return null; // nothing masked (e.g. a step of equally long sequences): skip the add
  }

  /** Receives hidden states as the pass computes them. */
  interface TapSink {
    boolean wants(int tap);

    /** x is [columns, hidden]; copy what is needed before returning. */
    void accept(int tap, NDArray x);
  }

  /**
   * Runs the decoder stack: ids int64 [columns] → final norm output [columns, hidden]. Steering is
   * added to the residual entering each steered layer, then capping clamps it; taps see the stream
   * the layer reads. Each layer's
   * temporaries (~80 KB per token) are freed as soon as the layer is done instead of piling up for
   * the whole pass; only its output moves to the caller's scope.
   */
  @SuppressWarnings("try") // the scope closes the layer's temporaries
  NDArray run(NDArray ids, Pass pass, TapSink taps) {
    NDArray x = decoder.embed(ids, pass);
    int layers = config.layers();
    for (int i = 0; i < layers; i++) {
      if (pass.steering != null && pass.steering[i] != null) {
        x = x.add(pass.steering[i]);
      }
      if (pass.caps != null && pass.caps[i] != null) {
        x = pass.caps[i].apply(x);
      }
      if (taps != null && taps.wants(i)) {
        taps.accept(i, x);
      }
      NDArray in = x;
      try (NDScope scope = new NDScope()) {
        x = decoder.layer(i, in, pass);
        NDScope.unregister(x);
      }
      NDScope.register(x);
      if (in != x) {
        in.close();
      }
    }
    x = decoder.finalNorm(x);
    if (taps != null && taps.wants(layers)) {
      taps.accept(layers, x);
    }
    return x;
  }

  /** Logits [vocab, columns] of final-norm outputs [columns, hidden]. */
  NDArray logits(NDArray hidden) {
    if (headSplit != null && hidden.getShape().get(0) == 1) {
      return headSplit.times(hidden.transpose());
    }
    return decoder.outputHead().matMul(hidden.transpose());
  }

  @Override
  public String toString() {
    return "TransformerModel[" + config + "]";
  }
}
