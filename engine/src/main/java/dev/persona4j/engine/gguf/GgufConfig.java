package dev.persona4j.engine.gguf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.internal.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model config as llama.cpp's metadata keys hold it ({@code <arch>.block_count}, ...), both ways: read
 * into a {@link ModelConfig} (through the config.json fields it stands for, so that core's defaults and
 * checks apply), and written from one.
 */
final class GgufConfig {
  /** llama.cpp architectures read, with the Hugging Face model_type each one is. */
  static final Map<String, String> MODEL_TYPES = Map.of("llama", "llama", "qwen2", "qwen2", "qwen3", "qwen3", "phi3", "phi3");
  /** Hugging Face model_types written, with their llama.cpp architecture (Mistral is converted as llama). */
  static final Map<String, String> ARCHITECTURES =
      Map.of("llama", "llama", "mistral", "llama", "qwen2", "qwen2", "qwen3", "qwen3", "phi3", "phi3");

  private GgufConfig() {}

  /**
   * The config of a file of architecture {@code arch}; {@code vocabSize} is the vocabulary's size (checked
   * against the key {@code <arch>.vocab_size} by the caller), {@code tensors} tell tying and biases.
   */
  static ModelConfig read(Metadata md, String arch, int vocabSize, Map<String, GgufTensor> tensors) {
    String p = arch + ".";
    ObjectNode json = Json.mapper().createObjectNode();
    json.put("model_type", MODEL_TYPES.get(arch));
    json.put("vocab_size", vocabSize);
    int hidden = md.positiveInt(p + "embedding_length");
    int heads = md.positiveInt(p + "attention.head_count");
    json.put("hidden_size", hidden);
    json.put("intermediate_size", md.positiveInt(p + "feed_forward_length"));
    json.put("num_hidden_layers", md.positiveInt(p + "block_count"));
    json.put("num_attention_heads", heads);
    int kvHeads = md.has(p + "attention.head_count_kv") ? md.positiveInt(p + "attention.head_count_kv") : heads;
    if (heads % kvHeads != 0) {
      throw md.error(p + "attention.head_count_kv", kvHeads + " does not divide attention.head_count " + heads);
    }
    json.put("num_key_value_heads", kvHeads);
    int headDim = md.has(p + "attention.key_length") ? md.positiveInt(p + "attention.key_length") : hidden / heads;
    if (!md.has(p + "attention.key_length") && hidden % heads != 0) {
      throw md.error(p + "attention.head_count", heads + " does not divide embedding_length " + hidden
          + " and attention.key_length is not given");
    }
    json.put("head_dim", headDim);
    json.put("max_position_embeddings", md.positiveInt(p + "context_length"));
    json.put("rms_norm_eps", asDouble(md, p + "attention.layer_norm_rms_epsilon")
        .orElseThrow(() -> md.error(p + "attention.layer_norm_rms_epsilon", "missing metadata key (required)")));
    asDouble(md, p + "rope.freq_base").ifPresent(v -> json.put("rope_theta", v));
    if (md.has(p + "rope.dimension_count")) {
      int rotary = md.positiveInt(p + "rope.dimension_count");
      if (rotary > headDim || rotary % 2 != 0) {
        throw md.error(p + "rope.dimension_count", rotary + " rotated dimensions do not fit a head of " + headDim);
      }
      if (rotary != headDim) {
        json.put("partial_rotary_factor", (double) rotary / headDim);
      }
    }
    Optional<String> scaling = md.optString(p + "rope.scaling.type");
    if (scaling.isPresent() && !scaling.get().equals("none")) {
      if (!scaling.get().equals("linear")) {
        throw md.error(p + "rope.scaling.type", "rope scaling " + scaling.get() + " is not supported (only linear)");
      }
      double factor = asDouble(md, p + "rope.scaling.factor")
          .orElseThrow(() -> md.error(p + "rope.scaling.factor", "missing metadata key (required for linear scaling)"));
      json.putObject("rope_scaling").put("rope_type", "linear").put("factor", factor);
    }
    if (tensors.containsKey("rope_freqs.weight")) {
      throw new GgufException(md.file(), "rope_freqs.weight", "per-dimension rope frequency factors (llama3 rope "
          + "scaling) are not supported yet");
    }
    md.optLong(p + "attention.sliding_window").ifPresent(w -> {
      if (w > 0) {
        json.put("sliding_window", md.positiveInt(p + "attention.sliding_window", w)).put("use_sliding_window", true);
      }
    });
    json.put("tie_word_embeddings", !tensors.containsKey("output.weight"));
    json.put("attention_bias", tensors.containsKey("blk.0.attn_q.bias"));
    md.optLong("tokenizer.ggml.bos_token_id").ifPresent(id -> json.put("bos_token_id", id));
    md.optLong("tokenizer.ggml.eos_token_id").ifPresent(id -> json.put("eos_token_id", id));
    md.optLong("tokenizer.ggml.padding_token_id").ifPresent(id -> json.put("pad_token_id", id));
    try {
      return ModelConfig.parse(json.toString(), md.file());
    } catch (CheckpointException e) {
      throw new GgufException(md.file(), e.location().orElse(null), "inconsistent model config: " + e.getMessage(), e);
    }
  }

  /** A float metadata value as the decimal it was written from (float32 1e-5 reads as 1.0E-5, not 9.99...e-6). */
  private static Optional<Double> asDouble(Metadata md, String key) {
    return md.optDouble(key).map(d -> (double) (float) (double) d == d ? Double.parseDouble(Float.toString((float) (double) d)) : d);
  }

  /** Writes {@code config}'s keys for architecture {@code arch}. */
  static void write(GgufWriter w, ModelConfig config, String arch) {
    String p = arch + ".";
    w.putUint32(p + "block_count", config.layers());
    w.putUint32(p + "context_length", config.contextLength());
    w.putUint32(p + "embedding_length", config.hiddenSize());
    w.putUint32(p + "feed_forward_length", config.intermediateSize());
    w.putUint32(p + "attention.head_count", config.heads());
    w.putUint32(p + "attention.head_count_kv", config.kvHeads());
    w.putFloat32(p + "rope.freq_base", (float) config.ropeTheta());
    w.putFloat32(p + "attention.layer_norm_rms_epsilon", (float) config.normEps());
    w.putUint32(p + "attention.key_length", config.headDim());
    w.putUint32(p + "attention.value_length", config.headDim());
    w.putUint32(p + "vocab_size", config.vocabSize());
    w.putUint32(p + "rope.dimension_count", config.rotaryDim());
    switch (config.ropeType()) {
      case "default" -> { }
      case "linear" -> {
        w.putString(p + "rope.scaling.type", "linear");
        w.putFloat32(p + "rope.scaling.factor", (float) linearFactor(config));
      }
      default -> throw new IllegalArgumentException("rope type " + config.ropeType() + " cannot be written to GGUF yet");
    }
    config.slidingWindow().ifPresent(win -> w.putUint32(p + "attention.sliding_window", win));
  }

  /** The linear factor, read back from the frequencies (ModelConfig keeps its scaling package-private). */
  private static double linearFactor(ModelConfig config) {
    ObjectNode tree;
    try {
      tree = (ObjectNode) Json.mapper().readTree(config.toJson());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    tree.remove("rope_scaling");
    float[] base = ModelConfig.parse(tree.toString(), null).rotaryInverseFrequencies();
    return base[0] / config.rotaryInverseFrequencies()[0];
  }

  static List<String> supported() {
    return List.copyOf(new java.util.TreeSet<>(MODEL_TYPES.keySet()));
  }
}
