package dev.persona4j.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.persona4j.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face tokenizer loaded from a local {@code tokenizer.json} (and the {@code tokenizer_config.json}
 * beside it): text to token ids and back, the vocabulary, the special tokens and the chat templates the
 * model was published with.
 *
 * <p>Encoding never truncates or pads: a prompt of any length comes back whole, and fitting it into the
 * model's context is the caller's decision. Special tokens, the vocabulary and the chat templates are read
 * from the files directly, because DJL's binding exposes only encode and decode.
 *
 * <p>Instances are safe to share between threads. {@link #close()} frees the native tokenizer; any use
 * afterwards throws {@link IllegalStateException}.
 */
public final class Tokenizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Tokenizer.class);

  static final String TOKENIZER_JSON = "tokenizer.json";
  static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
  static final String CHAT_TEMPLATE_JINJA = "chat_template.jinja";
  static final String CHAT_TEMPLATE_JSON = "chat_template.json";
  static final String ADDITIONAL_CHAT_TEMPLATES = "additional_chat_templates";
  static final String DEFAULT_TEMPLATE_NAME = "default";

  private final Path file;
  private final HuggingFaceTokenizer hf;
  private final Map<String, Integer> idsByToken;
  private final String[] tokensById;
  private final Set<Integer> specialIds;
  private final String bosToken;
  private final String eosToken;
  private final boolean cleanUpSpaces;
  private final String chatTemplate;
  private final Map<String, String> namedChatTemplates;
  /** Native calls hold the read lock; close takes the write lock, so no call ever runs on a freed handle. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private Tokenizer(Path file, HuggingFaceTokenizer hf, Vocabulary vocabulary, TokenizerConfig config) {
    this.file = file;
    this.hf = hf;
    this.idsByToken = vocabulary.idsByToken;
    this.tokensById = vocabulary.tokensById;
    Set<Integer> special = new java.util.TreeSet<>(vocabulary.specialIds);
    special.addAll(config.specialIds);
    this.specialIds = Collections.unmodifiableSet(special);
    this.bosToken = config.bosToken;
    this.eosToken = config.eosToken;
    this.cleanUpSpaces = config.cleanUpSpaces;
    this.chatTemplate = config.chatTemplate;
    this.namedChatTemplates = config.namedChatTemplates;
  }

  /**
   * Loads a tokenizer from a model directory (which must hold {@code tokenizer.json}) or from the path of a
   * {@code tokenizer.json} file. An optional {@code tokenizer_config.json} beside it supplies the special
   * tokens, {@code clean_up_tokenization_spaces} and the chat template; a {@code chat_template.jinja} or
   * {@code chat_template.json} beside it (as newer transformers versions save them) takes precedence for the
   * template, and {@code additional_chat_templates/*.jinja} adds named templates.
   *
   * @throws TokenizerException naming the file when a file is missing, unreadable, malformed (with line
   *     and column) or not a tokenizer the native library accepts
   */
  public static Tokenizer load(Path modelDirOrTokenizerJson) {
    if (modelDirOrTokenizerJson == null) {
      throw new IllegalArgumentException("modelDirOrTokenizerJson must not be null");
    }
    Path file = Files.isDirectory(modelDirOrTokenizerJson)
        ? modelDirOrTokenizerJson.resolve(TOKENIZER_JSON)
        : modelDirOrTokenizerJson;
    if (!Files.exists(file)) {
      throw new TokenizerException(file, "tokenizer file not found");
    }
    byte[] bytes = JsonFiles.read(file, JsonFiles.TOKENIZER_LIMIT, 64L << 20);
    Vocabulary vocabulary = Vocabulary.read(file, bytes);
    Path dir = file.toAbsolutePath().getParent();
    TokenizerConfig config = TokenizerConfig.load(dir, vocabulary);
    return create(file, bytes, vocabulary, config);
  }

  /**
   * A tokenizer from the texts of a {@code tokenizer.json} and a {@code tokenizer_config.json} made in
   * memory, e.g. from a GGUF file's metadata; {@code source} is the file they describe, used in messages and
   * as {@link #file()}.
   *
   * @param tokenizerConfigJson the config's text, or null for none
   * @throws TokenizerException naming {@code source} when either text is malformed or not a tokenizer the
   *     native library accepts
   */
  public static Tokenizer fromJson(Path source, String tokenizerJson, String tokenizerConfigJson) {
    if (source == null || tokenizerJson == null) {
      throw new IllegalArgumentException("source and tokenizerJson must not be null");
    }
    byte[] bytes = tokenizerJson.getBytes(StandardCharsets.UTF_8);
    Vocabulary vocabulary = Vocabulary.read(source, bytes);
    TokenizerConfig config = new TokenizerConfig();
    if (tokenizerConfigJson != null) {
      config.read(source, JsonFiles.parse(source, tokenizerConfigJson.getBytes(StandardCharsets.UTF_8)), vocabulary,
          new LinkedHashMap<>());
    }
    return create(source, bytes, vocabulary, config);
  }

  private static Tokenizer create(Path file, byte[] bytes, Vocabulary vocabulary, TokenizerConfig config) {
    Map<String, String> options = new HashMap<>();
    // The native tokenizer would otherwise truncate at 512 tokens (or model_max_length) and pad with id 0.
    options.put("truncation", "false");
    options.put("padding", "false");
    options.put("addSpecialTokens", "true");
    HuggingFaceTokenizer hf;
    try {
      hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
    } catch (IOException | RuntimeException e) {
      throw new TokenizerException(file, "not a tokenizer the native library accepts: " + e.getMessage(), e);
    }
    LOG.debug("Loaded tokenizer {} ({} tokens)", file, vocabulary.tokensById.length);
    return new Tokenizer(file, hf, vocabulary, config);
  }

  /** The {@code tokenizer.json} this tokenizer was loaded from. */
  public Path file() {
    return file;
  }

  /**
   * Encodes text to token ids, whole (never truncated or padded).
   *
   * @param addSpecialTokens whether the tokenizer's post-processor adds its special tokens (e.g. a BOS);
   *     pass false for text that already holds them, such as a rendered chat template
   */
  public int[] encode(String text, boolean addSpecialTokens) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    long[] ids;
    lifecycle.readLock().lock();
    try {
      checkOpen();
      ids = hf.encode(text, addSpecialTokens, false).getIds();
    } finally {
      lifecycle.readLock().unlock();
    }
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /**
   * Decodes token ids to text.
   *
   * @throws TokenizerException when an id is not in the vocabulary
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    if (ids == null) {
      throw new IllegalArgumentException("ids must not be null");
    }
    return decode(ids, 0, ids.length, skipSpecialTokens);
  }

  /** Decodes {@code ids[from, to)}; shared with the incremental decoder so both decode identically. */
  String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
    long[] wide = new long[to - from];
    for (int i = from; i < to; i++) {
      int id = ids[i];
      if (id < 0 || id >= tokensById.length || tokensById[id] == null) {
        throw new TokenizerException(file, "token id " + id + " (at index " + i + ") is not in the vocabulary of "
            + tokensById.length + " ids");
      }
      wide[i - from] = id;
    }
    if (wide.length == 0) {
      return "";
    }
    String text;
    lifecycle.readLock().lock();
    try {
      checkOpen();
      text = hf.decode(wide, skipSpecialTokens);
    } finally {
      lifecycle.readLock().unlock();
    }
    return cleanUpSpaces ? cleanUpTokenizationSpaces(text) : text;
  }

  /**
   * The number of token ids: one more than the largest id of the model vocabulary and the added tokens. The
   * model's embedding matrix may be larger (padded); ids beyond this never decode.
   */
  public int vocabSize() {
    return tokensById.length;
  }

  /** The BOS token text from tokenizer_config.json ({@code bos_token}), if the model has one. */
  public Optional<String> bosToken() {
    return Optional.ofNullable(bosToken);
  }

  /** The EOS token text from tokenizer_config.json ({@code eos_token}), if the model has one. */
  public Optional<String> eosToken() {
    return Optional.ofNullable(eosToken);
  }

  /** The id of {@link #bosToken()}, when it is in the vocabulary. */
  public OptionalInt bosTokenId() {
    return bosToken == null ? OptionalInt.empty() : tokenId(bosToken);
  }

  /**
   * The ids that end generation according to the tokenizer: the id of {@link #eosToken()}. The model's
   * generation_config.json may name more (the caller merges them).
   */
  public Set<Integer> eosTokenIds() {
    OptionalInt id = eosToken == null ? OptionalInt.empty() : tokenId(eosToken);
    return id.isPresent() ? Set.of(id.getAsInt()) : Set.of();
  }

  /**
   * The ids of the tokens marked special: added tokens flagged special in tokenizer.json, and those
   * tokenizer_config.json lists in {@code added_tokens_decoder} or {@code additional_special_tokens}.
   */
  public Set<Integer> specialTokenIds() {
    return specialIds;
  }

  /** The id of a token, given in the vocabulary's own spelling (e.g. {@code "Ġworld"}, {@code "<s>"}). */
  public OptionalInt tokenId(String token) {
    Integer id = token == null ? null : idsByToken.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** The vocabulary's spelling of a token id (transformers' {@code convert_ids_to_tokens}). */
  public Optional<String> token(int id) {
    return id < 0 || id >= tokensById.length ? Optional.empty() : Optional.ofNullable(tokensById[id]);
  }

  /**
   * The model's default chat template: {@code chat_template.jinja}, else {@code chat_template.json}, else
   * tokenizer_config.json's {@code chat_template} (a string, or the list entry named "default").
   */
  public Optional<String> chatTemplate() {
    return Optional.ofNullable(chatTemplate);
  }

  /**
   * Every named chat template (when {@code chat_template} is a list of {name, template}, plus
   * {@code additional_chat_templates/*.jinja}); the default one is under "default" when it exists.
   */
  public Map<String, String> namedChatTemplates() {
    return namedChatTemplates;
  }

  /**
   * A decoder for streaming generation that turns token ids pushed one at a time into text pieces whose
   * concatenation equals {@link #decode(int[], boolean)} of all of them.
   */
  public IncrementalDecoder newIncrementalDecoder(boolean skipSpecialTokens) {
    lifecycle.readLock().lock();
    try {
      checkOpen();
    } finally {
      lifecycle.readLock().unlock();
    }
    return new IncrementalDecoder(this, skipSpecialTokens);
  }

  /** Frees the native tokenizer. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        hf.close();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "Tokenizer[" + file + ", " + tokensById.length + " ids]";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("tokenizer " + file + " is closed");
    }
  }

  /** transformers' {@code clean_up_tokenization}: removes spaces before punctuation and English contractions. */
  static String cleanUpTokenizationSpaces(String text) {
    return text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }

  /** tokenizer.json's model vocabulary and added tokens. */
  static final class Vocabulary {
    final Map<String, Integer> idsByToken;
    final String[] tokensById;
    final Set<Integer> specialIds;

    private Vocabulary(Map<String, Integer> idsByToken, String[] tokensById, Set<Integer> specialIds) {
      this.idsByToken = idsByToken;
      this.tokensById = tokensById;
      this.specialIds = specialIds;
    }

    /**
     * The vocabulary of a {@code tokenizer.json}'s text, read as a stream: only {@code model.vocab}
     * and {@code added_tokens} become objects, while the merges (as many as the tokens) and the
     * normalizer, pre-tokenizer and decoder are skipped over. A tree of the whole file, with Jackson's
     * table of its field names (38 MB of that alone, sampled), was a 49k-token BPE model's largest
     * garbage when it loaded its tokenizer, and the young collector promoted what was live into the
     * old generation, so into the resident set (171 against 135 MiB after the load, measured); the
     * native tokenizer reads the same bytes for itself. A malformed file is still reported with its line and
     * column, from wherever in the file the fault is.
     */
    static Vocabulary read(Path file, byte[] bytes) {
      Map<String, Integer> ids = null;
      JsonNode added = MissingNode.getInstance();
      try (JsonParser p = Json.parserWithoutNameTable(bytes)) {
        if (p.nextToken() == null) {
          throw new TokenizerException(file, "empty file, expected JSON");
        }
        if (p.currentToken() == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("model") && value == JsonToken.START_OBJECT) { // one "model": duplicate keys are refused
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean vocab = p.currentName().equals("vocab");
                p.nextToken();
                if (vocab) {
                  ids = readVocab(file, p);
                } else {
                  p.skipChildren();
                }
              }
            } else if (field.equals("added_tokens")) {
              added = Json.mapper().readTree(p);
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      } catch (JsonProcessingException e) {
        throw JsonFiles.malformed(file, e);
      } catch (IOException e) {
        throw new TokenizerException(file, "cannot read: " + e.getMessage(), e);
      }
      if (ids == null) {
        throw new TokenizerException(file, "model.vocab is missing or neither an object nor a list");
      }
      return of(file, ids, added);
    }

    /** {@code model.vocab}, the parser at its first token, into a map of ids; null where it is neither object nor list. */
    private static Map<String, Integer> readVocab(Path file, JsonParser p) throws IOException {
      Map<String, Integer> ids = new LinkedHashMap<>();
      if (p.currentToken() == JsonToken.START_OBJECT) { // BPE, WordPiece, WordLevel: {"token": id}
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String token = p.currentName();
          if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() >= 0) {
            ids.put(token, p.getIntValue());
            continue;
          }
          JsonNode value = Json.mapper().readTree(p); // the rare case, checked as a tree would be
          if (!value.canConvertToInt() || value.asInt() < 0) {
            throw new TokenizerException(file, "model.vocab[\"" + token + "\"] is not a token id: " + value);
          }
          ids.put(token, value.asInt());
        }
      } else if (p.currentToken() == JsonToken.START_ARRAY) { // Unigram: [[piece, score], ...], the id is the position
        JsonNode vocab = Json.mapper().readTree(p);
        for (int i = 0; i < vocab.size(); i++) {
          JsonNode entry = vocab.get(i);
          JsonNode piece = entry.isArray() ? entry.get(0) : entry;
          if (piece == null || !piece.isTextual()) {
            throw new TokenizerException(file, "model.vocab[" + i + "] is not a [piece, score] pair");
          }
          ids.putIfAbsent(piece.asText(), i);
        }
      } else {
        p.skipChildren();
        return null;
      }
      return ids;
    }

    private static Vocabulary of(Path file, Map<String, Integer> ids, JsonNode added) {
      Set<Integer> special = new LinkedHashSet<>();
      for (int i = 0; i < added.size(); i++) {
        JsonNode t = added.get(i);
        if (!t.path("id").canConvertToInt() || !t.path("content").isTextual()) {
          throw new TokenizerException(file, "added_tokens[" + i + "] needs an integer id and a string content");
        }
        ids.put(t.get("content").asText(), t.get("id").asInt());
        if (t.path("special").asBoolean(false)) {
          special.add(t.get("id").asInt());
        }
      }
      int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
      String[] tokens = new String[size];
      for (Map.Entry<String, Integer> e : ids.entrySet()) {
        // Added tokens come last in the map, so they win over a model piece sharing the id.
        tokens[e.getValue()] = e.getKey();
      }
      return new Vocabulary(Collections.unmodifiableMap(ids), tokens, Collections.unmodifiableSet(special));
    }
  }

  /** What tokenizer_config.json and the chat-template files beside tokenizer.json say. */
  static final class TokenizerConfig {
    String bosToken;
    String eosToken;
    boolean cleanUpSpaces;
    String chatTemplate;
    Map<String, String> namedChatTemplates = Map.of();
    Set<Integer> specialIds = new LinkedHashSet<>();

    static TokenizerConfig load(Path dir, Vocabulary vocabulary) {
      TokenizerConfig c = new TokenizerConfig();
      Map<String, String> named = new LinkedHashMap<>();
      Path configFile = dir.resolve(TOKENIZER_CONFIG_JSON);
      if (Files.isRegularFile(configFile)) {
        c.read(configFile, JsonFiles.parse(configFile, JsonFiles.read(configFile)), vocabulary, named);
      }
      Path jsonTemplate = dir.resolve(CHAT_TEMPLATE_JSON);
      if (Files.isRegularFile(jsonTemplate)) {
        JsonNode root = JsonFiles.parse(jsonTemplate, JsonFiles.read(jsonTemplate));
        if (!root.has("chat_template")) {
          throw new TokenizerException(jsonTemplate, "no \"chat_template\" field");
        }
        String t = templates(jsonTemplate, root.get("chat_template"), "chat_template", named);
        if (t != null) {
          c.chatTemplate = t;
        }
      }
      Path jinja = dir.resolve(CHAT_TEMPLATE_JINJA);
      if (Files.isRegularFile(jinja)) {
        c.chatTemplate = new String(JsonFiles.read(jinja), StandardCharsets.UTF_8);
        if (!named.isEmpty()) {
          named.put(DEFAULT_TEMPLATE_NAME, c.chatTemplate);
        }
      }
      Path extra = dir.resolve(ADDITIONAL_CHAT_TEMPLATES);
      if (Files.isDirectory(extra)) {
        try (Stream<Path> files = Files.list(extra)) {
          for (Path p : (Iterable<Path>) files.sorted()::iterator) {
            String name = p.getFileName().toString();
            if (name.endsWith(".jinja") && Files.isRegularFile(p)) {
              named.put(name.substring(0, name.length() - ".jinja".length()),
                  new String(JsonFiles.read(p), StandardCharsets.UTF_8));
            }
          }
        } catch (IOException e) {
          throw new TokenizerException(extra, "cannot list chat templates: " + e.getMessage(), e);
        }
        if (c.chatTemplate != null) {
          named.putIfAbsent(DEFAULT_TEMPLATE_NAME, c.chatTemplate);
        }
      }
      c.namedChatTemplates = Collections.unmodifiableMap(named);
      for (String special : new String[] {c.bosToken, c.eosToken}) {
        if (special != null && !vocabulary.idsByToken.containsKey(special)) {
          LOG.warn("{}: special token {} is not in the vocabulary of {}", configFile, special, TOKENIZER_JSON);
        }
      }
      return c;
    }

    /** Reads tokenizer_config.json's content ({@code named} collects named chat templates). */
    void read(Path configFile, JsonNode root, Vocabulary vocabulary, Map<String, String> named) {
      if (!root.isObject()) {
        throw new TokenizerException(configFile, "expected a JSON object at the top level");
      }
      bosToken = tokenText(configFile, root, "bos_token");
      eosToken = tokenText(configFile, root, "eos_token");
      cleanUpSpaces = root.path("clean_up_tokenization_spaces").asBoolean(false);
      readSpecialTokens(configFile, root, vocabulary);
      chatTemplate = templates(configFile, root.get("chat_template"), "chat_template", named);
      namedChatTemplates = Collections.unmodifiableMap(named);
    }

    /** added_tokens_decoder ({"id": {"content", "special"}}) and additional_special_tokens (strings or objects). */
    private void readSpecialTokens(Path file, JsonNode root, Vocabulary vocabulary) {
      JsonNode decoder = root.path("added_tokens_decoder");
      for (Iterator<Map.Entry<String, JsonNode>> it = decoder.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        int id;
        try {
          id = Integer.parseInt(e.getKey());
        } catch (NumberFormatException ex) {
          throw new TokenizerException(file, "added_tokens_decoder key \"" + e.getKey() + "\" is not a token id");
        }
        if (e.getValue().path("special").asBoolean(false)) {
          specialIds.add(id);
        }
      }
      JsonNode additional = root.path("additional_special_tokens");
      for (int i = 0; i < additional.size(); i++) {
        JsonNode t = additional.get(i);
        String content = t.isTextual() ? t.asText() : t.path("content").isTextual() ? t.get("content").asText() : null;
        if (content == null) {
          throw new TokenizerException(file, "additional_special_tokens[" + i + "] must be a string or {\"content\": ...}");
        }
        Integer id = vocabulary.idsByToken.get(content);
        if (id == null) {
          LOG.warn("{}: additional special token {} is not in the vocabulary", file, content);
        } else {
          specialIds.add(id);
        }
      }
    }

    /** A special-token field: a string, null, or an AddedToken object {"content": ..., ...}. */
    private static String tokenText(Path file, JsonNode root, String field) {
      JsonNode n = root.get(field);
      if (n == null || n.isNull()) {
        return null;
      }
      if (n.isTextual()) {
        return n.asText();
      }
      if (n.isObject() && n.path("content").isTextual()) {
        return n.get("content").asText();
      }
      throw new TokenizerException(file, field + " must be a string, null or an object with a string \"content\"");
    }

    /** Reads chat_template (a string, or a list of {name, template}) into {@code named}; returns the default. */
    private static String templates(Path file, JsonNode n, String field, Map<String, String> named) {
      if (n == null || n.isNull()) {
        return null;
      }
      if (n.isTextual()) {
        return n.asText();
      }
      if (!n.isArray()) {
        throw new TokenizerException(file, field + " must be a string or a list of {name, template}");
      }
      for (int i = 0; i < n.size(); i++) {
        JsonNode e = n.get(i);
        if (!e.path("name").isTextual() || !e.path("template").isTextual()) {
          throw new TokenizerException(file, field + "[" + i + "] needs string \"name\" and \"template\" fields");
        }
        named.put(e.get("name").asText(), e.get("template").asText());
      }
      return named.get(DEFAULT_TEMPLATE_NAME);
    }
  }
}
