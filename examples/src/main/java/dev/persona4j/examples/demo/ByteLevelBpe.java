package dev.persona4j.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.persona4j.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trained byte-level BPE tokenizer (GPT-2 style) that writes itself as a Hugging Face
 * {@code tokenizer.json} plus {@code tokenizer_config.json} with a chatml chat template.
 *
 * <p>Ids: {@code <|endoftext|>} = 0, {@code <|im_start|>} = 1, {@code <|im_end|>} = 2 (special
 * added tokens), then the 256 byte symbols (3-258, by byte value), then one token per merge in
 * merge order. Because every byte has a token, any text encodes, and decoding restores it exactly.
 *
 * <p>Trained on text by {@link TokenizerBuilder}; {@link #withFillerMerges} pads a vocabulary to an
 * exact size (the benchmark's SmolLM2-shaped checkpoint needs 49,152 tokens).
 *
 * <p>{@link #encode} is a Java re-implementation of the same model (ByteLevel pre-tokenizer with
 * the GPT-2 split pattern, merges by rank) used for statistics; tests check it gives the same ids
 * as the Hugging Face tokenizers library reading the written files.
 */
public final class ByteLevelBpe {
  /** Special tokens, in id order. */
  public static final List<String> SPECIAL_TOKENS =
      List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
  /** The standard chatml template. */
  public static final String CHATML_TEMPLATE =
      "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
          + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
          + "{{ '<|im_start|>assistant\\n' }}{% endif %}";
  static final int FIRST_BYTE_ID = SPECIAL_TOKENS.size();
  /** The id of the first merged token: the specials and the 256 byte symbols come before it. */
  public static final int FIRST_MERGE_ID = FIRST_BYTE_ID + 256;
  /** Filler merges stay short so tokens look like word pieces rather than whole sentences. */
  private static final int MAX_FILLER_CHARS = 12;
  /** GPT-2's split pattern, as the ByteLevel pre-tokenizer applies it ({@code use_regex: true}). */
  static final Pattern SPLIT = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
      Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern SPECIALS = Pattern.compile(
      "<\\|endoftext\\|>|<\\|im_start\\|>|<\\|im_end\\|>");

  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

  static {
    // GPT-2's reversible byte <-> printable-unicode map: printable bytes map to themselves, the
    // rest to code points from 256 up, so that tokens never contain spaces or control characters.
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int next = 256;
    for (int b = 0; b < 256; b++) {
      BYTE_TO_CHAR[b] = printable[b] ? (char) b : (char) next++;
      CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
    }
  }

  private final List<String> tokens;
  private final List<int[]> merges;
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<Long, Integer> mergeRank = new HashMap<>();
  private final Map<String, int[]> cache = new HashMap<>();

  /**
   * @param tokens token strings by id: specials, 256 byte symbols, then merged tokens
   * @param merges pairs of token ids, one per merged token, in rank order
   */
  ByteLevelBpe(List<String> tokens, List<int[]> merges) {
    this.tokens = List.copyOf(tokens);
    this.merges = List.copyOf(merges);
    if (tokens.size() != FIRST_MERGE_ID + merges.size()) {
      throw new IllegalArgumentException("tokens and merges disagree: " + tokens.size() + " vs "
          + merges.size());
    }
    for (int i = 0; i < tokens.size(); i++) {
      if (ids.put(tokens.get(i), i) != null) {
        throw new IllegalArgumentException("duplicate token '" + tokens.get(i) + "'");
      }
    }
    for (int r = 0; r < merges.size(); r++) {
      mergeRank.put(pairKey(merges.get(r)[0], merges.get(r)[1]), r);
    }
  }

  /** The one-character symbol GPT-2's byte-level map spells byte {@code b} (0-255) with. */
  public static String byteSymbol(int b) {
    return String.valueOf(BYTE_TO_CHAR[b]);
  }

  static long pairKey(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  public int vocabularySize() {
    return tokens.size();
  }

  public int mergeCount() {
    return merges.size();
  }

  /** The token string (in byte-level form, e.g. {@code "Ġsea"}) of an id. */
  public String token(int id) {
    return tokens.get(id);
  }

  public OptionalInt tokenId(String token) {
    Integer id = ids.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /**
   * This vocabulary padded to exactly {@code vocabularySize} tokens with seeded merges of two
   * existing (non-special) tokens, favouring short ones: a stand-in for a real tokenizer's tail of
   * rare merges when only the vocabulary's size matters.
   */
  public ByteLevelBpe withFillerMerges(int vocabularySize, long seed) {
    if (vocabularySize < tokens.size()) {
      throw new IllegalArgumentException("vocabularySize " + vocabularySize
          + " is below the current " + tokens.size() + " tokens");
    }
    List<String> grown = new ArrayList<>(tokens);
    List<int[]> grownMerges = new ArrayList<>(merges);
    Map<String, Integer> grownIds = new HashMap<>(ids);
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    while (grown.size() < vocabularySize) {
      // The smaller of two draws, so early (short) tokens combine most often.
      int span = grown.size() - FIRST_BYTE_ID;
      int left = FIRST_BYTE_ID + Math.min(random.nextInt(span), random.nextInt(span));
      int right = FIRST_BYTE_ID + Math.min(random.nextInt(span), random.nextInt(span));
      String merged = grown.get(left) + grown.get(right);
      if (merged.length() > MAX_FILLER_CHARS || grownIds.containsKey(merged)) {
        continue;
      }
      grownIds.put(merged, grown.size());
      grown.add(merged);
      grownMerges.add(new int[] {left, right});
    }
    return new ByteLevelBpe(grown, grownMerges);
  }

  /** Encodes text; the three special tokens are recognised where they occur literally. */
  public int[] encode(String text) {
    List<Integer> out = new ArrayList<>();
    Matcher special = SPECIALS.matcher(text);
    int start = 0;
    while (special.find()) {
      encodeOrdinary(text.substring(start, special.start()), out);
      out.add(ids.get(special.group()));
      start = special.end();
    }
    encodeOrdinary(text.substring(start), out);
    int[] result = new int[out.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = out.get(i);
    }
    return result;
  }

  /** Decodes ids back to text, special tokens included literally. */
  public String decode(int[] ids) {
    StringBuilder text = new StringBuilder();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id < 0 || id >= tokens.size()) {
        throw new IllegalArgumentException(
            "token id out of range [0, " + tokens.size() + "): " + id);
      }
      if (id < FIRST_BYTE_ID) {
        text.append(bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
        text.append(tokens.get(id));
        continue;
      }
      String token = tokens.get(id);
      for (int i = 0; i < token.length(); i++) {
        bytes.write(CHAR_TO_BYTE.get(token.charAt(i)));
      }
    }
    text.append(bytes.toString(StandardCharsets.UTF_8));
    return text.toString();
  }

  private void encodeOrdinary(String text, List<Integer> out) {
    Matcher m = SPLIT.matcher(text);
    while (m.find()) {
      String piece = m.group();
      int[] cached = cache.get(piece);
      if (cached == null) {
        cached = encodeWord(piece);
        if (cache.size() < 200_000) {
          cache.put(piece, cached);
        }
      }
      for (int id : cached) {
        out.add(id);
      }
    }
  }

  /** Applies merges by rank, lowest first, to the bytes of one pre-tokenized word. */
  private int[] encodeWord(String piece) {
    byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
    int[] symbols = new int[utf8.length];
    for (int i = 0; i < utf8.length; i++) {
      symbols[i] = FIRST_BYTE_ID + (utf8[i] & 0xff);
    }
    int n = symbols.length;
    while (n > 1) {
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < n; i++) {
        Integer rank = mergeRank.get(pairKey(symbols[i], symbols[i + 1]));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
        }
      }
      if (bestRank == Integer.MAX_VALUE) {
        break;
      }
      int a = merges.get(bestRank)[0];
      int b = merges.get(bestRank)[1];
      int merged = FIRST_MERGE_ID + bestRank;
      int w = 0;
      for (int i = 0; i < n; i++) {
        if (i + 1 < n && symbols[i] == a && symbols[i + 1] == b) {
          symbols[w++] = merged;
          i++;
        } else {
          symbols[w++] = symbols[i];
        }
      }
      n = w;
    }
    int[] result = new int[n];
    System.arraycopy(symbols, 0, result, 0, n);
    return result;
  }

  /** The Hugging Face {@code tokenizer.json} text. */
  public String tokenizerJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", "1.0");
    root.put("truncation", null);
    root.put("padding", null);
    List<Object> added = new ArrayList<>();
    for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", i);
      t.put("content", SPECIAL_TOKENS.get(i));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
      added.add(t);
    }
    root.put("added_tokens", added);
    root.put("normalizer", null);
    root.put("pre_tokenizer", byteLevel(false, true));
    root.put("post_processor", byteLevel(true, false));
    root.put("decoder", byteLevel(true, true));
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "BPE");
    model.put("dropout", null);
    model.put("unk_token", null);
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      vocab.put(tokens.get(i), i);
    }
    model.put("vocab", vocab);
    List<String> mergeStrings = new ArrayList<>(merges.size());
    for (int[] pair : merges) {
      mergeStrings.add(tokens.get(pair[0]) + " " + tokens.get(pair[1]));
    }
    model.put("merges", mergeStrings);
    root.put("model", model);
    return json(root);
  }

  /** The {@code tokenizer_config.json} text: special tokens, no BOS added, chatml template. */
  public String tokenizerConfigJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("add_bos_token", false);
    root.put("add_eos_token", false);
    Map<String, Object> decoder = new LinkedHashMap<>();
    for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("content", SPECIAL_TOKENS.get(i));
      t.put("lstrip", false);
      t.put("normalized", false);
      t.put("rstrip", false);
      t.put("single_word", false);
      t.put("special", true);
      decoder.put(String.valueOf(i), t);
    }
    root.put("added_tokens_decoder", decoder);
    root.put("additional_special_tokens", List.of("<|im_start|>", "<|im_end|>"));
    root.put("bos_token", "<|endoftext|>");
    root.put("eos_token", "<|im_end|>");
    root.put("pad_token", "<|endoftext|>");
    root.put("unk_token", null);
    root.put("chat_template", CHATML_TEMPLATE);
    root.put("clean_up_tokenization_spaces", false);
    root.put("model_max_length", 2048);
    root.put("tokenizer_class", "PreTrainedTokenizerFast");
    return json(root);
  }

  /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
  public void write(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfigJson(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException(
          "cannot write tokenizer files to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "ByteLevel");
    m.put("add_prefix_space", addPrefixSpace);
    m.put("trim_offsets", trimOffsets);
    m.put("use_regex", true);
    return m;
  }

  private static String json(Object value) {
    try {
      return Json.pretty().writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new CorpusException("cannot serialise tokenizer: " + e.getMessage(), e);
    }
  }
}
