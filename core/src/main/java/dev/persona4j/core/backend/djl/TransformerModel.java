package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.backend.ContextLengthExceededException;
import dev.persona4j.core.backend.TokenOutOfRangeException;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A decoder-only transformer over DJL NDArrays: the architecture code shared by inference (the DJL
 * backend's decoding states) and training. For training it exposes the named parameters and a
 * differentiable full-sequence forward built from the same blocks as inference:
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager()) {
 *   TransformerModel model = TransformerModel.create(config, manager, 42);
 *   model.parameters().values().forEach(p -> p.setRequiresGradient(true));
 *   try (NDScope scope = new NDScope(); GradientCollector gc = engine.newGradientCollector()) {
 *     NDArray logits = model.forwardTraining(inputIds); // [batch, tokens, vocab]
 *     ...
 *   }
 *   model.save(dir); // config.json + model.safetensors, loadable by Backends.load
 * }
 * }</pre>
 *
 * <p>Results of a forward pass belong to the model's manager (an op's result joins the manager of
 * its first operand): run each step inside an {@code NDScope}.
 */
public final class TransformerModel implements AutoCloseable {
  private final ModelConfig config;
  private final NDManager manager;
  private final Weights weights;
  private final Architecture architecture;
  private final Rotary rotary;
  /** Inference: the output head's halves for single-token logits on two cores (see RowSplit). */
  private final RowSplit headSplit;

  private TransformerModel(ModelConfig config, NDManager manager, Weights weights) {
    this.config = config;
    this.manager = manager;
    this.weights = weights;
    this.architecture = Architecture.create(config, weights, manager);
    weights.loaded();
    this.rotary = architecture.rotary() ? new Rotary(config) : null;
    this.headSplit = weights.frozen() ? RowSplit.of(architecture.outputHead()) : null;
  }

  /**
   * A randomly initialised model like transformers' {@code _init_weights}: matrices normal(0,
   * initializer_range), biases 0, norm weights 1. Deterministic for a given seed.
   *
   * @param manager the parent of the manager that will own the parameters
   */
  public static TransformerModel create(ModelConfig config, NDManager manager, long seed) {
    checkSupported(config, null);
    NDManager own = manager.newSubManager();
    try {
      return new TransformerModel(config, own, new Weights.Random(own, seed, config.initializerRange()));
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  /**
   * Loads a checkpoint with trainable parameters (one named array per checkpoint tensor).
   *
   * @throws CheckpointException naming the file and field or tensor at fault
   */
  public static TransformerModel load(Path modelDir, NDManager manager) {
    return open(Checkpoint.open(modelDir), manager, false);
  }

  /** Loads a checkpoint for inference: projections fused, nothing differentiable. */
  static TransformerModel open(Checkpoint checkpoint, NDManager manager, boolean frozen) {
    ModelConfig config = checkpoint.config();
    checkSupported(config, checkpoint.directory().resolve(Checkpoint.CONFIG));
    NDManager own = manager.newSubManager();
    try {
      return new TransformerModel(config, own, new Weights.FromCheckpoint(checkpoint, own, frozen));
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  /** @throws CheckpointException naming config.json and the field this code cannot run */
  static void checkSupported(ModelConfig config, Path file) {
    Path f = file != null ? file : config.source().orElse(Path.of(Checkpoint.CONFIG));
    if (!Architecture.MODEL_TYPES.contains(config.modelType())) {
      throw new CheckpointException(f, "model_type", "'" + config.modelType() + "' is not supported; supported: " + String.join(", ", new java.util.TreeSet<>(Architecture.MODEL_TYPES)));
    }
    if (!Activation.supports(config.hiddenAct())) {
      throw new CheckpointException(f, config.modelType().equals("gpt2") ? "activation_function" : "hidden_act", "activation '" + config.hiddenAct() + "' is not supported");
    }
    config.ropeScaling().ifPresent(s -> {
      if (!Rotary.supports(s.type())) {
        throw new CheckpointException(f, "rope_scaling.rope_type", "'" + s.type() + "' is not supported (supported: default, linear, llama3)");
      }
    });
    if (config.modelType().equals("gpt2") && config.headDim() * config.heads() != config.hiddenSize()) {
      throw new CheckpointException(f, "n_head", "must divide n_embd");
    }
  }

  public ModelConfig config() {
    return config;
  }

  /**
   * Every parameter by its Hugging Face tensor name (shapes as on disk, except GPT-2 Conv1D
   * weights, which are [out, in]). Mutating them in place (an optimizer step) changes the model.
   *
   * @throws IllegalStateException for a model loaded for inference, whose projections are fused
   */
  public Map<String, NDArray> parameters() {
    if (weights.frozen()) {
      throw new IllegalStateException("a model loaded for inference has fused parameters; use TransformerModel.load");
    }
    return weights.parameters();
  }

  /**
   * Logits for every position of every row, with a causal mask: input ids [batch, tokens] (any
   * integer type) → logits [batch, tokens, vocab]. Differentiable with respect to the parameters.
   *
   * @throws TokenOutOfRangeException if an id is outside the vocabulary
   * @throws ContextLengthExceededException if tokens exceeds the context length
   */
  public NDArray forwardTraining(NDArray inputIds) {
    Shape shape = inputIds.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("input ids must be [batch, tokens], got " + shape);
    }
    int batch = Math.toIntExact(shape.get(0));
    int width = Math.toIntExact(shape.get(1));
    if (width > config.contextLength()) {
      throw new ContextLengthExceededException(width, config.contextLength(), "a training sequence");
    }
    NDManager m = inputIds.getManager();
    NDArray ids = inputIds.toType(DataType.INT64, false).reshape(batch * (long) width);
    for (long id : ids.toLongArray()) {
      if (id < 0 || id >= config.vocabSize()) {
        throw new TokenOutOfRangeException((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, id)), config.vocabSize(), "training input");
      }
    }
    int[] positions = new int[batch * width];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i % width;
    }
    int[] zeros = new int[1];
    int[] lengths = {width};
    Pass pass = pass(m, batch, width, positions, mask(m, 1, width, width, zeros, lengths),
        new Pass.Own(config.kvHeads(), config.headDim()), null);
    NDArray hidden = run(ids, pass, null);
    return logits(hidden).transpose().reshape(batch, width, config.vocabSize());
  }

  /**
   * Writes {@code config.json}, {@code generation_config.json} and {@code model.safetensors} (all
   * float32) into {@code dir}, readable by {@code Backends.load}. Tokenizer files are the
   * caller's.
   */
  public void save(Path dir) {
    Map<String, NDArray> params = parameters();
    SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray p = e.getValue();
      long[] shape = p.getShape().getShape();
      float[] data = p.toFloatArray();
      if (config.modelType().equals("gpt2") && e.getKey().endsWith(".weight") && isConv1d(e.getKey())) {
        data = p.transpose().toFloatArray();
        shape = new long[] {shape[1], shape[0]};
      }
      writer.putF32(e.getKey(), shape, data);
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(Checkpoint.CONFIG), config.toJson(), StandardCharsets.UTF_8);
      ObjectMapper json = new ObjectMapper();
      ObjectNode gen = json.createObjectNode();
      config.bosTokenId().ifPresent(id -> gen.put("bos_token_id", id));
      if (config.eosTokenIds().size() == 1) {
        gen.put("eos_token_id", config.eosTokenIds().get(0));
      } else if (!config.eosTokenIds().isEmpty()) {
        config.eosTokenIds().forEach(gen.putArray("eos_token_id")::add);
      }
      config.padTokenId().ifPresent(id -> gen.put("pad_token_id", id));
      Files.writeString(dir.resolve(Checkpoint.GENERATION_CONFIG),
          json.writerWithDefaultPrettyPrinter().writeValueAsString(gen) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException(dir, null, "cannot write: " + e, e);
    }
    writer.write(dir.resolve(Checkpoint.WEIGHTS));
  }

  private static boolean isConv1d(String name) {
    return name.contains(".c_attn.") || name.contains(".c_proj.") || name.contains(".c_fc.");
  }

  /** Frees the parameters. */
  @Override
  public void close() {
    manager.close();
  }

  // ---- shared by training and the decoding states ----

  NDManager manager() {
    return manager;
  }

  /** Builds a pass; {@code positions} are the columns' absolute positions. */
  Pass pass(NDManager m, int batch, int width, int[] positions, NDArray mask, Pass.KeyValues keyValues, NDArray[] steering) {
    NDArray[] tables = rotary == null ? null
        : weights.frozen() ? rotary.flippedTables(m, positions) : rotary.tables(m, positions);
    NDArray pos = null;
    if (rotary == null) {
      long[] p = new long[positions.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = positions[i];
      }
      pos = m.create(p);
    }
    return new Pass(batch, width, pos, tables, mask, keyValues, steering);
  }

  /**
   * The additive attention mask [batch, 1, 1, width, keys] ([batch, 1, 1, keys] for a single
   * query per sequence), broadcast over heads: query t of sequence b (absolute
   * position starts[b] + t) may read key position s when s ≤ its position, s is a real token of
   * the sequence (s &lt; starts[b] + lengths[b]), and s is inside the sliding window if any. Null
   * when nothing is masked.
   */
  NDArray mask(NDManager m, int batch, int width, int keys, int[] starts, int[] lengths) {
    int window = config.slidingWindow().orElse(Integer.MAX_VALUE);
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
   * added to the residual entering each steered layer; taps see the steered stream.
   */
  @SuppressWarnings("try") // the scope closes the layer's temporaries
  NDArray run(NDArray ids, Pass pass, TapSink taps) {
    NDArray x = architecture.embed(ids, pass);
    int layers = config.layers();
    for (int i = 0; i < layers; i++) {
      if (pass.steering != null && pass.steering[i] != null) {
        x = x.add(pass.steering[i]);
      }
      if (taps != null && taps.wants(i)) {
        taps.accept(i, x);
      }
      if (!weights.frozen()) {
        x = architecture.layer(i, x, pass); // training: autograd and the caller's scope own them
        continue;
      }
      // Inference: each layer's temporaries (~80 KB per token) are freed as soon as the layer is
      // done instead of piling up for the whole pass; only its output moves to the caller's scope.
      NDArray in = x;
      try (NDScope scope = new NDScope()) {
        x = architecture.layer(i, in, pass);
        NDScope.unregister(x);
      }
      NDScope.register(x);
      if (in != x) {
        in.close();
      }
    }
    x = architecture.finalNorm(x);
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
    return architecture.outputHead().matMul(hidden.transpose());
  }

  @Override
  public String toString() {
    return "TransformerModel[" + Objects.toString(config) + "]";
  }
}
