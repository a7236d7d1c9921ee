package dev.persona4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.backend.BackendException;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A decoder-only transformer to train on DJL autograd: every parameter a named leaf array by its
 * Hugging Face name (shapes as on disk), and a differentiable full-sequence forward written with
 * plain DJL ops against the model's {@link Architecture} description. Slower than the inference
 * engine (nothing fused or folded), and saved as a checkpoint that {@code Backends.load} runs.
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager();
 *     TrainableTransformer model = TrainableTransformer.initialise(config, manager, 42)) {
 *   model.parameters().values().forEach(p -> p.setRequiresGradient(true));
 *   try (NDScope scope = new NDScope(); GradientCollector gc = engine.newGradientCollector()) {
 *     NDArray logits = model.forward(inputIds); // [batch, tokens, vocab]
 *     ...
 *   }
 *   model.save(dir); // config.json, generation_config.json, model.safetensors
 * }
 * }</pre>
 *
 * <p>Results of a forward pass belong to the parameters' manager (an op's result joins the manager
 * of its first operand): run each step inside an {@code NDScope}.
 */
public final class TrainableTransformer implements AutoCloseable {
  private final ModelConfig config;
  private final Architecture architecture;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;

  private TrainableTransformer(ModelConfig config, Architecture architecture, NDManager manager, Map<String, NDArray> parameters) {
    this.config = config;
    this.architecture = architecture;
    this.manager = manager;
    this.parameters = Collections.unmodifiableMap(parameters);
  }

  /**
   * A randomly initialised model like transformers' {@code _init_weights}: matrices normal(0,
   * initializer_range), biases 0, norm weights 1. Deterministic for a given seed.
   *
   * @param manager the parent of the manager that will own the parameters
   * @throws IllegalArgumentException for a {@code model_type} without an {@link Architecture}
   */
  public static TrainableTransformer initialise(ModelConfig config, NDManager manager, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double std = config.initializerRange();
    return create(config, manager, (m, name, shape, kind) -> switch (kind) {
      case MATRIX -> {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * std);
        }
        yield m.create(v, shape);
      }
      case NORM -> m.ones(shape);
      case BIAS -> m.zeros(shape);
    });
  }

  /**
   * Loads a checkpoint's tensors as trainable parameters.
   *
   * @throws CheckpointException naming the file and field or tensor at fault
   */
  public static TrainableTransformer load(Path modelDir, NDManager manager) {
    Checkpoint checkpoint = Checkpoint.open(modelDir);
    return create(checkpoint.config(), manager,
        (m, name, shape, kind) -> m.create(checkpoint.floats(name, shape.getShape()), shape));
  }

  private enum Kind { MATRIX, NORM, BIAS }

  /** Where a parameter's values come from. */
  private interface Source {
    NDArray create(NDManager manager, String name, Shape shape, Kind kind);
  }

  private static TrainableTransformer create(ModelConfig c, NDManager parent, Source source) {
    Architecture a = Architecture.of(c.modelType())
        .orElseThrow(() -> new IllegalArgumentException("model_type '" + c.modelType() + "' has no architecture; known: " + Architecture.modelTypes()));
    NDManager m = parent.newSubManager();
    try {
      Map<String, NDArray> p = new LinkedHashMap<>();
      long hidden = c.hiddenSize();
      long q = (long) c.heads() * c.headDim();
      long kv = (long) c.kvHeads() * c.headDim();
      long inter = c.intermediateSize();
      Parameters add = (name, kind, dims) -> p.put(name, named(source.create(m, name, new Shape(dims), kind), name));
      add.put(a.embedTokens(), Kind.MATRIX, c.vocabSize(), hidden);
      a.positionEmbeddings().ifPresent(n -> add.put(n, Kind.MATRIX, c.contextLength(), hidden));
      for (int i = 0; i < c.layers(); i++) {
        String l = a.layer(i);
        norm(a, add, l + a.attentionNorm(), hidden);
        List<String> qkv = a.qkv();
        long[] qkvRows = a.fusedQkv() ? new long[] {q + 2 * kv} : new long[] {q, kv, kv};
        for (int j = 0; j < qkv.size(); j++) {
          projection(a, add, l + qkv.get(j), qkvRows[j], hidden, a.qkvBias().present(c.attentionBias()));
        }
        if (a.queryNorm().isPresent()) {
          add.put(l + a.queryNorm().get() + ".weight", Kind.NORM, c.headDim());
          add.put(l + a.keyNorm().orElseThrow() + ".weight", Kind.NORM, c.headDim());
        }
        projection(a, add, l + a.attentionOut(), hidden, q, a.outBias().present(c.attentionBias()));
        norm(a, add, l + a.mlpNorm(), hidden);
        List<String> gateUp = a.gateUp();
        long rows = a.gated() && gateUp.size() == 1 ? 2 * inter : inter;
        for (String name : gateUp) {
          projection(a, add, l + name, rows, hidden, a.mlpBias().present(c.mlpBias()));
        }
        projection(a, add, l + a.down(), hidden, inter, a.mlpBias().present(c.mlpBias()));
      }
      norm(a, add, a.finalNorm(), hidden);
      if (!c.tieWordEmbeddings()) {
        add.put(a.lmHead(), Kind.MATRIX, c.vocabSize(), hidden);
      }
      return new TrainableTransformer(c, a, m, p);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private interface Parameters {
    void put(String name, Kind kind, long... shape);
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }

  private static void norm(Architecture a, Parameters add, String module, long size) {
    add.put(module + ".weight", Kind.NORM, size);
    if (a.norm() == Architecture.Norm.LAYER_NORM) {
      add.put(module + ".bias", Kind.BIAS, size);
    }
  }

  /** A projection as stored: [out, in], or GPT-2's Conv1D [in, out]. */
  private static void projection(Architecture a, Parameters add, String module, long out, long in, boolean bias) {
    if (a.layout() == Architecture.Layout.IN_OUT) {
      add.put(module + ".weight", Kind.MATRIX, in, out);
    } else {
      add.put(module + ".weight", Kind.MATRIX, out, in);
    }
    if (bias) {
      add.put(module + ".bias", Kind.BIAS, out);
    }
  }

  public ModelConfig config() {
    return config;
  }

  /**
   * Every parameter by its Hugging Face tensor name, shaped as on disk, in a fixed order. Mutating
   * them in place (an optimizer step) changes the model.
   */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** The number of trainable values. */
  public long parameterCount() {
    long n = 0;
    for (NDArray p : parameters.values()) {
      n += p.size();
    }
    return n;
  }

  /**
   * Logits for every position of every row, with a causal mask (and the sliding window, if any):
   * input ids [batch, tokens] (any integer type) → logits [batch, tokens, vocab]. Differentiable
   * with respect to the parameters.
   *
   * @throws BackendException if an id is outside the vocabulary or tokens exceeds the context length
   */
  public NDArray forward(NDArray inputIds) {
    Shape shape = inputIds.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("input ids must be [batch, tokens], got " + shape);
    }
    int tokens = Math.toIntExact(shape.get(1));
    if (tokens > config.contextLength()) {
      throw BackendException.contextLengthExceeded(tokens, config.contextLength(), "a training sequence");
    }
    NDArray ids = inputIds.toType(DataType.INT64, false);
    for (long id : ids.toLongArray()) {
      if (id < 0 || id >= config.vocabSize()) {
        throw BackendException.tokenOutOfRange(id, config.vocabSize(), "training input");
      }
    }
    Architecture a = architecture;
    NDManager m = inputIds.getManager();
    NDArray x = param(a.embedTokens()).get(ids); // [batch, tokens, hidden]
    if (a.positionEmbeddings().isPresent()) {
      x = x.add(param(a.positionEmbeddings().get()).get(m.arange(0, tokens, 1, DataType.INT64)));
    }
    NDArray[] rotary = a.positions() == Architecture.Positions.ROTARY ? rotaryTables(m, tokens) : null;
    NDArray mask = causalMask(m, tokens);
    for (int i = 0; i < config.layers(); i++) {
      String l = a.layer(i);
      NDArray h = x.add(selfAttention(l, norm(l + a.attentionNorm(), x), rotary, mask));
      x = h.add(mlp(l, norm(l + a.mlpNorm(), h)));
    }
    x = norm(a.finalNorm(), x);
    NDArray head = param(config.tieWordEmbeddings() ? a.embedTokens() : a.lmHead());
    return x.matMul(head.transpose());
  }

  /** x [batch, tokens, hidden] → the attention block's output [batch, tokens, hidden]. */
  private NDArray selfAttention(String l, NDArray x, NDArray[] rotary, NDArray mask) {
    Architecture a = architecture;
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int d = config.headDim();
    long q = (long) config.heads() * d;
    long kv = (long) config.kvHeads() * d;
    NDArray qkv = projections(l, a.qkv(), x);
    NDList parts = qkv.split(new long[] {q, q + kv}, 2);
    NDArray query = parts.get(0).reshape(b, t, config.heads(), d).transpose(0, 2, 1, 3); // [b, heads, t, d]
    NDArray key = parts.get(1).reshape(b, t, config.kvHeads(), d).transpose(0, 2, 1, 3);
    NDArray value = parts.get(2).reshape(b, t, config.kvHeads(), d).transpose(0, 2, 1, 3);
    if (a.queryNorm().isPresent()) {
      query = rmsNorm(query, param(l + a.queryNorm().get() + ".weight"));
      key = rmsNorm(key, param(l + a.keyNorm().orElseThrow() + ".weight"));
    }
    if (rotary != null) {
      query = rotate(query, rotary);
      key = rotate(key, rotary);
    }
    int groups = config.heads() / config.kvHeads(); // transformers' repeat_kv
    key = key.repeat(1, groups);
    value = value.repeat(1, groups);
    NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(d)).add(mask);
    NDArray out = scores.softmax(-1).matMul(value).transpose(0, 2, 1, 3).reshape(b, t, q);
    return linear(l + a.attentionOut(), out);
  }

  /** x [batch, tokens, hidden] → the MLP's output. */
  private NDArray mlp(String l, NDArray x) {
    Architecture a = architecture;
    if (!a.gated()) {
      return linear(l + a.down(), activation(linear(l + a.gateUp().get(0), x)));
    }
    NDList gateUp = projections(l, a.gateUp(), x).split(2, 2);
    return linear(l + a.down(), activation(gateUp.get(0)).mul(gateUp.get(1)));
  }

  /** The layer's projections {@code modules} of x, concatenated along the features. */
  private NDArray projections(String l, List<String> modules, NDArray x) {
    if (modules.size() == 1) {
      return linear(l + modules.get(0), x);
    }
    NDList outs = new NDList();
    for (String module : modules) {
      outs.add(linear(l + module, x));
    }
    return NDArrays.concat(outs, 2);
  }

  /** nn.Linear (x·Wᵀ + b) or GPT-2's Conv1D (x·W + b), bias if the checkpoint has one. */
  private NDArray linear(String module, NDArray x) {
    NDArray w = param(module + ".weight");
    NDArray y = x.matMul(architecture.layout() == Architecture.Layout.IN_OUT ? w : w.transpose());
    NDArray bias = parameters.get(module + ".bias");
    return bias == null ? y : y.add(bias);
  }

  private NDArray norm(String module, NDArray x) {
    if (architecture.norm() == Architecture.Norm.RMS_NORM) {
      return rmsNorm(x, param(module + ".weight"));
    }
    NDArray centered = x.sub(x.mean(new int[] {-1}, true));
    NDArray variance = centered.square().mean(new int[] {-1}, true);
    return centered.div(variance.add(config.normEps()).sqrt()).mul(param(module + ".weight")).add(param(module + ".bias"));
  }

  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.mul(variance.add(config.normEps()).pow(-0.5)).mul(weight);
  }

  /** transformers' ACT2FN. */
  private NDArray activation(NDArray x) {
    return switch (config.hiddenAct()) {
      case "silu", "swish" -> x.mul(x.getNDArrayInternal().sigmoid());
      case "gelu" -> x.getNDArrayInternal().gelu();
      case "relu" -> x.maximum(0f);
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
          x.mul(0.5).mul(x.pow(3).mul(0.044715).add(x).mul(Math.sqrt(2.0 / Math.PI)).tanh().add(1));
      default -> throw new IllegalArgumentException("activation '" + config.hiddenAct() + "' is not supported");
    };
  }

  /** cos and sin [tokens, headDim] for positions 0..tokens-1 (1 and 0 past the rotary dimensions). */
  private NDArray[] rotaryTables(NDManager m, int tokens) {
    float[] inv = config.rotaryInverseFrequencies();
    int d = config.headDim();
    int rotary = config.rotaryDim();
    float[] cos = new float[tokens * d];
    float[] sin = new float[tokens * d];
    for (int p = 0; p < tokens; p++) {
      for (int j = 0; j < d; j++) {
        float angle = j < rotary ? inv[j % (rotary / 2)] * (float) p : 0f;
        cos[p * d + j] = (float) Math.cos(angle);
        sin[p * d + j] = (float) Math.sin(angle);
      }
    }
    return new NDArray[] {m.create(cos, new Shape(tokens, d)), m.create(sin, new Shape(tokens, d))};
  }

  /** x·cos + rotate_half(x)·sin on the rotary dimensions of x [batch, heads, tokens, headDim]. */
  private NDArray rotate(NDArray x, NDArray[] rotary) {
    int half = config.rotaryDim() / 2;
    NDList parts = x.split(new long[] {half, 2L * half}, 3); // x1, x2, the dimensions that pass through
    NDArray rotated = NDArrays.concat(new NDList(parts.get(1).neg(), parts.get(0), parts.get(2).zerosLike()), 3);
    return x.mul(rotary[0]).add(rotated.mul(rotary[1]));
  }

  /** The additive mask [tokens, tokens]: 0 where query t may read key s (s ≤ t, inside the window), else -inf. */
  private NDArray causalMask(NDManager m, int tokens) {
    int window = config.slidingWindow().orElse(Integer.MAX_VALUE);
    float[] mask = new float[tokens * tokens];
    for (int t = 0; t < tokens; t++) {
      for (int s = 0; s < tokens; s++) {
        mask[t * tokens + s] = s <= t && t - s < window ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return m.create(mask, new Shape(tokens, tokens));
  }

  private NDArray param(String name) {
    return Objects.requireNonNull(parameters.get(name), name);
  }

  /**
   * Writes {@code config.json}, {@code generation_config.json} and {@code model.safetensors} (all
   * float32) into {@code dir}, readable by {@code Backends.load}. Tokenizer files are the caller's.
   *
   * @throws CheckpointException naming the directory if it cannot be written
   */
  public void save(Path dir) {
    SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
    parameters.forEach((name, p) -> writer.putF32(name, p.getShape().getShape(), p.toFloatArray()));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(Checkpoint.CONFIG), config.toJson(), StandardCharsets.UTF_8);
      ObjectNode gen = Json.mapper().createObjectNode();
      config.bosTokenId().ifPresent(id -> gen.put("bos_token_id", id));
      if (config.eosTokenIds().size() == 1) {
        gen.put("eos_token_id", config.eosTokenIds().get(0));
      } else if (!config.eosTokenIds().isEmpty()) {
        config.eosTokenIds().forEach(gen.putArray("eos_token_id")::add);
      }
      config.padTokenId().ifPresent(id -> gen.put("pad_token_id", id));
      Files.writeString(dir.resolve(Checkpoint.GENERATION_CONFIG), Json.pretty().writeValueAsString(gen) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException(dir, null, "cannot write: " + e, e);
    }
    writer.write(dir.resolve(Checkpoint.WEIGHTS));
  }

  /** Frees the parameters. */
  @Override
  public void close() {
    manager.close();
  }

  @Override
  public String toString() {
    return "TrainableTransformer[" + config + "]";
  }
}
