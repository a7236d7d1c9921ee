package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import dev.persona4j.examples.demo.ByteLevelBpe;
import dev.persona4j.examples.demo.TokenizerBuilder;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates, locally and without any download, a randomly initialised Llama checkpoint in Hugging Face's
 * layout: {@code config.json}, {@code generation_config.json}, an fp32 {@code model.safetensors} (weights
 * drawn from N(0, 0.02), seeded; norm weights 1.0; tied embeddings) and a byte-level BPE
 * {@code tokenizer.json} with exactly {@code vocabSize} tokens, plus {@code tokenizer_config.json}.
 *
 * <p>The weights are streamed tensor by tensor into {@link SafetensorsWriter}, so generating the 538 MB
 * SmolLM2-135M-shaped checkpoint needs only a few megabytes of heap.
 */
public final class SmolCheckpointGenerator {
  /** Bumped whenever the generated files change; a cached checkpoint with another version is regenerated. */
  public static final int VERSION = 2;
  /** Written last into a generated directory: what produced it. */
  public static final String STAMP_FILE = "persona4j-bench-checkpoint.json";
  /** The seed of the benchmark checkpoint. */
  public static final long DEFAULT_SEED = 135L;

  static final int BOS_ID = 0;
  static final int EOS_ID = 0;
  static final double INIT_STD = 0.02;
  private static final int LEARNED_MERGES = 3000;

  private static final Logger LOG = LoggerFactory.getLogger(SmolCheckpointGenerator.class);
  private static final ObjectMapper JSON = Json.mapper();

  private final CheckpointShape shape;
  private final long seed;

  public SmolCheckpointGenerator(CheckpointShape shape, long seed) {
    this.shape = Objects.requireNonNull(shape, "shape");
    this.seed = seed;
  }

  /** The generator of the benchmark's checkpoint: SmolLM2-135M's shape, {@link #DEFAULT_SEED}. */
  public static SmolCheckpointGenerator smolLm2Shaped() {
    return new SmolCheckpointGenerator(CheckpointShape.smolLm2_135m(), DEFAULT_SEED);
  }

  public CheckpointShape shape() {
    return shape;
  }

  public long seed() {
    return seed;
  }

  /**
   * Returns {@code dir} holding this generator's checkpoint, generating it when it is absent or was made by
   * another generator version, shape or seed. Generation goes to a sibling directory that is moved into
   * place at the end, so an interrupted run never leaves a half-written checkpoint that looks current.
   */
  public Path ensure(Path dir) {
    if (isCurrent(dir)) {
      return dir;
    }
    Path absolute = dir.toAbsolutePath();
    Path staging = absolute.resolveSibling(absolute.getFileName() + ".partial");
    try {
      deleteRecursively(staging);
      long start = System.nanoTime();
      writeTo(staging);
      deleteRecursively(absolute);
      Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("Generated benchmark checkpoint {} in {} s", absolute, (System.nanoTime() - start) / 1e9);
      return dir;
    } catch (IOException e) {
      throw new BenchException("cannot generate the benchmark checkpoint in " + absolute + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} holds a complete checkpoint from this generator (version, shape and seed). */
  public boolean isCurrent(Path dir) {
    Path stamp = dir.resolve(STAMP_FILE);
    if (!Files.isRegularFile(stamp)) {
      return false;
    }
    try {
      // Compared as parsed JSON on both sides, so number widths (int vs long) do not matter.
      return JSON.readTree(stamp.toFile()).equals(JSON.readTree(JSON.writeValueAsString(stamp())));
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes every file of the checkpoint into {@code dir} (created if needed), the stamp file last. */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Json.pretty().writeValue(dir.resolve("config.json").toFile(), config());
    Json.pretty().writeValue(dir.resolve("generation_config.json").toFile(),
        generationConfig());
    writeTokenizer(dir);
    weights().write(dir.resolve("model.safetensors"));
    Json.pretty().writeValue(dir.resolve(STAMP_FILE).toFile(), stamp());
  }

  /**
   * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into an existing directory: a
   * byte-level BPE whose first merges are learned from generated English (so ordinary prose
   * compresses to realistic token counts), padded with filler merges to exactly the shape's size.
   */
  void writeTokenizer(Path dir) throws IOException {
    int learned = Math.min(shape.vocabSize(), ByteLevelBpe.FIRST_MERGE_ID + LEARNED_MERGES);
    ByteLevelBpe bpe = TokenizerBuilder.withVocabularySize(learned)
        .add(EnglishText.generate(seed, 4000)).build()
        .withFillerMerges(shape.vocabSize(), seed);
    Files.writeString(dir.resolve("tokenizer.json"), bpe.tokenizerJson(), StandardCharsets.UTF_8);
    Json.pretty().writeValue(dir.resolve("tokenizer_config.json").toFile(),
        tokenizerConfig());
  }

  private ObjectNode stamp() {
    ObjectNode stamp = JSON.createObjectNode();
    stamp.put("generator", SmolCheckpointGenerator.class.getName());
    stamp.put("version", VERSION);
    stamp.put("seed", seed);
    stamp.set("shape", JSON.valueToTree(shape));
    return stamp;
  }

  ObjectNode config() {
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_size", shape.hiddenSize());
    c.put("intermediate_size", shape.intermediateSize());
    c.put("num_hidden_layers", shape.layers());
    c.put("num_attention_heads", shape.heads());
    c.put("num_key_value_heads", shape.kvHeads());
    c.put("head_dim", shape.headDim());
    c.put("vocab_size", shape.vocabSize());
    c.put("max_position_embeddings", shape.maxPositions());
    c.put("hidden_act", "silu");
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 100000.0);
    c.putNull("rope_scaling");
    c.put("attention_bias", false);
    c.put("mlp_bias", false);
    c.put("attention_dropout", 0.0);
    c.put("initializer_range", INIT_STD);
    c.put("pretraining_tp", 1);
    c.put("tie_word_embeddings", true);
    c.put("torch_dtype", "float32");
    c.put("use_cache", true);
    c.put("bos_token_id", BOS_ID);
    c.put("eos_token_id", EOS_ID);
    return c;
  }

  private static ObjectNode generationConfig() {
    ObjectNode g = JSON.createObjectNode();
    g.put("_from_model_config", true);
    g.put("bos_token_id", BOS_ID);
    g.put("eos_token_id", EOS_ID);
    return g;
  }

  private ObjectNode tokenizerConfig() {
    ObjectNode c = JSON.createObjectNode();
    c.put("add_prefix_space", false);
    ObjectNode decoder = c.putObject("added_tokens_decoder");
    for (int id = 0; id < ByteLevelBpe.SPECIAL_TOKENS.size(); id++) {
      ObjectNode t = decoder.putObject(Integer.toString(id));
      t.put("content", ByteLevelBpe.SPECIAL_TOKENS.get(id));
      t.put("lstrip", false);
      t.put("normalized", false);
      t.put("rstrip", false);
      t.put("single_word", false);
      t.put("special", true);
    }
    c.putArray("additional_special_tokens").add("<|im_start|>").add("<|im_end|>");
    c.put("bos_token", ByteLevelBpe.SPECIAL_TOKENS.get(BOS_ID));
    c.put("eos_token", ByteLevelBpe.SPECIAL_TOKENS.get(EOS_ID));
    c.put("unk_token", ByteLevelBpe.SPECIAL_TOKENS.get(0));
    c.put("chat_template", ByteLevelBpe.CHATML_TEMPLATE);
    c.put("clean_up_tokenization_spaces", false);
    c.put("model_max_length", shape.maxPositions());
    c.put("tokenizer_class", "GPT2Tokenizer");
    return c;
  }

  /** The tensors in Hugging Face's Llama naming, each streamed from its own seeded generator. */
  SafetensorsWriter weights() {
    long h = shape.hiddenSize();
    long kv = (long) shape.kvHeads() * shape.headDim();
    long inter = shape.intermediateSize();
    SafetensorsWriter st = new SafetensorsWriter().metadata("format", "pt");
    normal(st, "model.embed_tokens.weight", shape.vocabSize(), h);
    for (int i = 0; i < shape.layers(); i++) {
      String p = "model.layers." + i + ".";
      ones(st, p + "input_layernorm.weight", h);
      normal(st, p + "self_attn.q_proj.weight", h, h);
      normal(st, p + "self_attn.k_proj.weight", kv, h);
      normal(st, p + "self_attn.v_proj.weight", kv, h);
      normal(st, p + "self_attn.o_proj.weight", h, h);
      ones(st, p + "post_attention_layernorm.weight", h);
      normal(st, p + "mlp.gate_proj.weight", inter, h);
      normal(st, p + "mlp.up_proj.weight", inter, h);
      normal(st, p + "mlp.down_proj.weight", h, inter);
    }
    ones(st, "model.norm.weight", h);
    return st;
  }

  private void normal(SafetensorsWriter st, String name, long rows, long cols) {
    // One stream per tensor, keyed by its name: a tensor's values do not depend on the order of the others.
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    st.putF32(name, new long[] {rows, cols}, out -> {
      while (out.hasRemaining()) {
        out.put((float) (random.nextGaussian() * INIT_STD));
      }
    });
  }

  private static void ones(SafetensorsWriter st, String name, long size) {
    st.putF32(name, new long[] {size}, out -> {
      while (out.hasRemaining()) {
        out.put(1.0f);
      }
    });
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
