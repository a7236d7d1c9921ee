package dev.persona4j.engine.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.internal.Json;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The tokenizer as llama.cpp's {@code tokenizer.ggml.*} keys hold it, both ways. Reading rebuilds the Hugging
 * Face {@code tokenizer.json} those keys were converted from (byte-level BPE: vocabulary, merges, special
 * tokens, the BOS the post-processor adds) and the {@code tokenizer_config.json} part (BOS/EOS, chat
 * template), so the project's {@link Tokenizer} gives the same ids as the original.
 */
final class GgufTokenizer {
  static final int NORMAL = 1;
  static final int CONTROL = 3;
  static final int USER_DEFINED = 4;
  /** llama.cpp's pre-tokenizer names and the regex Hugging Face splits with before byte-level (null: ByteLevel's own). */
  static final Map<String, String> PRE_TOKENIZERS = Map.of(
      "gpt-2", "",
      "default", "",
      "llama-bpe", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      "qwen2", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

  private final Metadata md;
  private final List<String> tokens;

  private GgufTokenizer(Metadata md, List<String> tokens) {
    this.md = md;
    this.tokens = tokens;
  }

  /**
   * Checks the tokenizer keys (model, pre-tokenizer, array lengths, special ids) when the file has a
   * vocabulary, returning its size, or -1 when the file has no {@code tokenizer.ggml.tokens}.
   */
  static int check(Metadata md) {
    if (!md.has("tokenizer.ggml.tokens")) {
      return -1;
    }
    return of(md).tokens.size();
  }

  static GgufTokenizer of(Metadata md) {
    String model = md.string("tokenizer.ggml.model");
    if (!model.equals("gpt2")) {
      throw md.error("tokenizer.ggml.model", "tokenizer model " + model + " is not supported (only gpt2, byte-level BPE)");
    }
    String pre = md.optString("tokenizer.ggml.pre").orElse("default");
    if (!PRE_TOKENIZERS.containsKey(pre)) {
      throw md.error("tokenizer.ggml.pre", "pre-tokenizer " + pre + " is not supported (supported: "
          + new java.util.TreeSet<>(PRE_TOKENIZERS.keySet()) + ")");
    }
    List<String> tokens = md.strings("tokenizer.ggml.tokens");
    if (tokens.isEmpty()) {
      throw md.error("tokenizer.ggml.tokens", "empty vocabulary");
    }
    if (md.has("tokenizer.ggml.token_type") && md.ints("tokenizer.ggml.token_type").length != tokens.size()) {
      throw md.error("tokenizer.ggml.token_type", md.ints("tokenizer.ggml.token_type").length + " types for "
          + tokens.size() + " tokens");
    }
    for (String merge : md.strings("tokenizer.ggml.merges")) {
      if (merge.indexOf(' ') <= 0 || merge.indexOf(' ') != merge.lastIndexOf(' ')) {
        throw md.error("tokenizer.ggml.merges", "merge \"" + merge + "\" is not two tokens separated by one space");
      }
    }
    for (String key : new String[] {"bos_token_id", "eos_token_id", "padding_token_id"}) {
      OptionalLong id = md.optLong("tokenizer.ggml." + key);
      if (id.isPresent() && id.getAsLong() >= tokens.size()) {
        throw md.error("tokenizer.ggml." + key, "token id " + id.getAsLong() + " is outside the vocabulary of " + tokens.size());
      }
    }
    return new GgufTokenizer(md, tokens);
  }

  Tokenizer tokenizer() {
    return Tokenizer.fromJson(md.file(), tokenizerJson().toString(), tokenizerConfigJson().toString());
  }

  ObjectNode tokenizerJson() {
    int[] types = md.has("tokenizer.ggml.token_type") ? md.ints("tokenizer.ggml.token_type") : new int[tokens.size()];
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode vocab = Json.mapper().createObjectNode();
    for (int id = 0; id < tokens.size(); id++) {
      if (types[id] == CONTROL || types[id] == USER_DEFINED) {
        added.addObject().put("id", id).put("content", tokens.get(id)).put("single_word", false).put("lstrip", false)
            .put("rstrip", false).put("normalized", types[id] == USER_DEFINED).put("special", types[id] == CONTROL);
      }
      vocab.put(tokens.get(id), id); // Hugging Face keeps added tokens in the model's vocabulary too

    }
    root.putNull("normalizer");
    String regex = PRE_TOKENIZERS.get(md.optString("tokenizer.ggml.pre").orElse("default"));
    ObjectNode byteLevel = Json.mapper().createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
        .put("trim_offsets", true).put("use_regex", regex.isEmpty());
    if (regex.isEmpty()) {
      root.set("pre_tokenizer", byteLevel);
    } else {
      ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
      ArrayNode list = seq.putArray("pretokenizers");
      ObjectNode split = list.addObject().put("type", "Split");
      split.putObject("pattern").put("Regex", regex);
      split.put("behavior", "Isolated").put("invert", false);
      list.add(byteLevel);
    }
    OptionalLong bos = md.optLong("tokenizer.ggml.bos_token_id");
    if (md.optBool("tokenizer.ggml.add_bos_token").orElse(false) && bos.isPresent()) {
      String b = tokens.get((int) bos.getAsLong());
      ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
      for (String field : new String[] {"single", "pair"}) {
        ArrayNode steps = post.putArray(field);
        for (String seq : field.equals("single") ? new String[] {"A"} : new String[] {"A", "B"}) {
          steps.addObject().putObject("SpecialToken").put("id", b).put("type_id", 0);
          steps.addObject().putObject("Sequence").put("id", seq).put("type_id", 0);
        }
      }
      ObjectNode special = post.putObject("special_tokens").putObject(b).put("id", b);
      special.putArray("ids").add(bos.getAsLong());
      special.putArray("tokens").add(b);
    } else {
      root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", true)
          .put("trim_offsets", false).put("use_regex", true);
    }
    root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = root.putObject("model").put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
    model.set("vocab", vocab);
    ArrayNode merges = model.putArray("merges");
    for (String merge : md.strings("tokenizer.ggml.merges")) {
      int space = merge.indexOf(' ');
      merges.addArray().add(merge.substring(0, space)).add(merge.substring(space + 1));
    }
    return root;
  }

  ObjectNode tokenizerConfigJson() {
    ObjectNode c = Json.mapper().createObjectNode();
    md.optLong("tokenizer.ggml.bos_token_id").ifPresent(id -> c.put("bos_token", tokens.get((int) id)));
    md.optLong("tokenizer.ggml.eos_token_id").ifPresent(id -> c.put("eos_token", tokens.get((int) id)));
    md.optLong("tokenizer.ggml.padding_token_id").ifPresent(id -> c.put("pad_token", tokens.get((int) id)));
    c.put("clean_up_tokenization_spaces", false);
    md.optString("tokenizer.chat_template").ifPresent(t -> c.put("chat_template", t));
    return c;
  }

  /**
   * Writes the {@code tokenizer.ggml.*} keys of a Hugging Face model directory's tokenizer.json and
   * tokenizer_config.json.
   *
   * @throws GgufException naming the tokenizer file when it is not byte-level BPE with a pre-tokenizer
   *     llama.cpp knows
   */
  static void write(GgufWriter w, Path modelDir, ModelConfig modelConfig) {
    Path file = modelDir.resolve("tokenizer.json");
    JsonNode root = readJson(file);
    JsonNode model = root.path("model");
    if (!model.path("type").asText("").equals("BPE") || !model.path("vocab").isObject()) {
      throw new GgufException(file, "model", "only BPE tokenizers can be written as tokenizer.ggml.model gpt2");
    }
    String pre = preTokenizerName(file, root.path("pre_tokenizer"));
    Map<String, Integer> ids = new java.util.HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ids.put(e.getKey(), e.getValue().asInt());
    }
    Map<Integer, Integer> types = new java.util.HashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      ids.put(t.path("content").asText(), t.path("id").asInt());
      types.put(t.path("id").asInt(), t.path("special").asBoolean(false) ? CONTROL : USER_DEFINED);
    }
    int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    String[] tokens = new String[size];
    ids.forEach((token, id) -> tokens[id] = token);
    List<String> tokenList = new ArrayList<>(size);
    List<Integer> typeList = new ArrayList<>(size);
    for (int id = 0; id < size; id++) {
      // llama.cpp fills holes in the ids with padding tokens of this spelling
      tokenList.add(tokens[id] != null ? tokens[id] : "[PAD" + id + "]");
      typeList.add(tokens[id] != null ? types.getOrDefault(id, NORMAL) : USER_DEFINED);
    }
    List<String> merges = new ArrayList<>();
    for (JsonNode m : model.path("merges")) {
      merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
    }
    w.putString("tokenizer.ggml.model", "gpt2");
    w.putString("tokenizer.ggml.pre", pre);
    w.putStrings("tokenizer.ggml.tokens", tokenList);
    w.putInt32s("tokenizer.ggml.token_type", typeList);
    w.putStrings("tokenizer.ggml.merges", merges);
    Path configFile = modelDir.resolve("tokenizer_config.json");
    JsonNode config = Files.isRegularFile(configFile) ? readJson(configFile) : Json.mapper().createObjectNode();
    for (String[] key : new String[][] {{"bos_token", "bos_token_id"}, {"eos_token", "eos_token_id"},
        {"pad_token", "padding_token_id"}}) {
      String token = tokenText(config.get(key[0]));
      if (token != null && ids.containsKey(token)) {
        w.putUint32("tokenizer.ggml." + key[1], ids.get(token));
      }
    }
    // as gguf-py's SpecialVocab: config.json's ids where tokenizer_config.json names no token
    modelConfig.bosTokenId().ifPresent(id -> putIfAbsent(w, "tokenizer.ggml.bos_token_id", id));
    modelConfig.eosTokenIds().stream().findFirst().ifPresent(id -> putIfAbsent(w, "tokenizer.ggml.eos_token_id", id));
    modelConfig.padTokenId().ifPresent(id -> putIfAbsent(w, "tokenizer.ggml.padding_token_id", id));
    String bosAdded = bosOfPostProcessor(root.path("post_processor"));
    if (bosAdded != null && ids.containsKey(bosAdded)) {
      w.putUint32("tokenizer.ggml.bos_token_id", ids.get(bosAdded));
    }
    w.putBool("tokenizer.ggml.add_bos_token", bosAdded != null);
    if (config.path("chat_template").isTextual()) {
      w.putString("tokenizer.chat_template", config.get("chat_template").asText());
    }
  }

  private static void putIfAbsent(GgufWriter w, String key, int id) {
    if (!w.has(key)) {
      w.putUint32(key, id);
    }
  }

  private static String preTokenizerName(Path file, JsonNode pre) {
    if (pre.path("type").asText("").equals("ByteLevel") && pre.path("use_regex").asBoolean(true)) {
      return "gpt-2";
    }
    if (pre.path("type").asText("").equals("Sequence")) {
      JsonNode list = pre.path("pretokenizers");
      String regex = list.path(0).path("pattern").path("Regex").asText("");
      for (Map.Entry<String, String> e : PRE_TOKENIZERS.entrySet()) {
        if (!e.getValue().isEmpty() && e.getValue().equals(regex) && list.size() == 2
            && list.get(1).path("type").asText("").equals("ByteLevel")) {
          return e.getKey();
        }
      }
    }
    throw new GgufException(file, "pre_tokenizer", "not a byte-level pre-tokenizer llama.cpp knows: " + pre);
  }

  /** The special token a TemplateProcessing post-processor puts before the text, if any. */
  private static String bosOfPostProcessor(JsonNode post) {
    if (post.path("type").asText("").equals("TemplateProcessing")) {
      JsonNode first = post.path("single").path(0);
      if (first.has("SpecialToken")) {
        return first.get("SpecialToken").path("id").asText(null);
      }
    }
    return null;
  }

  private static String tokenText(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    return n.isTextual() ? n.asText() : n.path("content").asText(null);
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.mapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new GgufException(file, null, "cannot read: " + e.getMessage(), e);
    }
  }
}
