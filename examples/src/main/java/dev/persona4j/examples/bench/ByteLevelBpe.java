package dev.persona4j.examples.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE vocabulary of an exact size, built procedurally: the special tokens, the 256 byte symbols
 * in GPT-2's byte-to-unicode spelling, merges learned from a generated English text (so ordinary prose
 * compresses to realistic token counts), then merges of existing tokens until the vocabulary is full. Every
 * merge's two parts are already in the vocabulary when it is added and its result is new, which is what a
 * BPE tokenizer requires.
 */
final class ByteLevelBpe {
  /** The added tokens, at ids 0, 1, 2 as in SmolLM2. */
  static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

  /** GPT-2's pre-tokenizer pattern (what the ByteLevel pre-tokenizer with use_regex applies). */
  private static final Pattern GPT2_SPLIT = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
  /** Filler merges stay short so tokens look like word pieces rather than whole sentences. */
  private static final int MAX_FILLER_CHARS = 12;

  private final List<String> tokens;            // by id
  private final List<String[]> merges;          // in rank order

  private ByteLevelBpe(List<String> tokens, List<String[]> merges) {
    this.tokens = tokens;
    this.merges = merges;
  }

  /** The vocabulary, by id. */
  List<String> tokens() {
    return Collections.unmodifiableList(tokens);
  }

  /** The merges in rank order, each {left, right}. */
  List<String[]> merges() {
    return Collections.unmodifiableList(merges);
  }

  /**
   * Builds a vocabulary of exactly {@code vocabSize} tokens.
   *
   * @param learnedMerges at most this many merges are learned from the generated text; the rest are fillers
   */
  static ByteLevelBpe build(int vocabSize, int learnedMerges, long seed) {
    if (vocabSize < CheckpointShape.MIN_VOCAB) {
      throw new IllegalArgumentException("vocabSize " + vocabSize + " is below " + CheckpointShape.MIN_VOCAB);
    }
    List<String> tokens = new ArrayList<>(vocabSize);
    Map<String, Integer> ids = new HashMap<>(vocabSize * 2);
    for (String special : SPECIAL_TOKENS) {
      add(tokens, ids, special);
    }
    char[] byteChars = byteToUnicode();
    for (int b = 0; b < 256; b++) {
      add(tokens, ids, String.valueOf(byteChars[b]));
    }
    List<String[]> merges = new ArrayList<>(vocabSize - tokens.size());
    int budget = Math.min(learnedMerges, vocabSize - tokens.size());
    learn(EnglishText.generate(seed, 4000), byteChars, budget, tokens, ids, merges);
    fill(vocabSize, seed, tokens, ids, merges);
    return new ByteLevelBpe(tokens, merges);
  }

  /** GPT-2's reversible byte-to-unicode map: printable bytes stand for themselves, the rest move to 256+. */
  static char[] byteToUnicode() {
    char[] map = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = 0; b < 256; b++) {
      printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
    int next = 0;
    for (int b = 0; b < 256; b++) {
      map[b] = printable[b] ? (char) b : (char) (256 + next++);
    }
    return map;
  }

  /** Classic BPE training over the pre-tokenized words of {@code text}, most frequent pair first. */
  private static void learn(String text, char[] byteChars, int budget, List<String> tokens,
      Map<String, Integer> ids, List<String[]> merges) {
    Map<String, Integer> wordCounts = new LinkedHashMap<>();
    Matcher m = GPT2_SPLIT.matcher(text);
    while (m.find()) {
      StringBuilder word = new StringBuilder();
      for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
        word.append(byteChars[b & 0xFF]);
      }
      wordCounts.merge(word.toString(), 1, Integer::sum);
    }
    List<List<String>> words = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    wordCounts.forEach((word, count) -> {
      List<String> symbols = new ArrayList<>();
      word.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
      words.add(symbols);
      counts.add(count);
    });
    for (int round = 0; round < budget; round++) {
      Map<String, Integer> pairCounts = new HashMap<>();
      for (int w = 0; w < words.size(); w++) {
        List<String> symbols = words.get(w);
        for (int i = 0; i + 1 < symbols.size(); i++) {
          pairCounts.merge(symbols.get(i) + '\u0000' + symbols.get(i + 1), counts.get(w), Integer::sum);
        }
      }
      String best = null;
      int bestCount = 1;
      for (Map.Entry<String, Integer> e : pairCounts.entrySet()) {
        // Ties broken by spelling so the vocabulary is the same on every run.
        if (e.getValue() > bestCount || (e.getValue() == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
          best = e.getKey();
          bestCount = e.getValue();
        }
      }
      if (best == null) {
        return; // no pair occurs twice: the corpus is exhausted
      }
      int cut = best.indexOf('\u0000');
      String left = best.substring(0, cut);
      String right = best.substring(cut + 1);
      String merged = left + right;
      if (ids.containsKey(merged)) {
        // Two different splits can spell the same token; BPE ranks only the first, so drop it from the corpus.
        mergeEverywhere(words, left, right, merged);
        continue;
      }
      merges.add(new String[] {left, right});
      add(tokens, ids, merged);
      mergeEverywhere(words, left, right, merged);
    }
  }

  private static void mergeEverywhere(List<List<String>> words, String left, String right, String merged) {
    for (List<String> symbols : words) {
      for (int i = 0; i + 1 < symbols.size(); i++) {
        if (symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
          symbols.set(i, merged);
          symbols.remove(i + 1);
        }
      }
    }
  }

  /** Adds merges of two existing (non-special) tokens, seeded, until the vocabulary has {@code vocabSize}. */
  private static void fill(int vocabSize, long seed, List<String> tokens, Map<String, Integer> ids,
      List<String[]> merges) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int first = SPECIAL_TOKENS.size();
    while (tokens.size() < vocabSize) {
      // Favour short parts: pick the smaller of two draws, so early (short) tokens combine most often.
      int span = tokens.size() - first;
      String left = tokens.get(first + Math.min(random.nextInt(span), random.nextInt(span)));
      String right = tokens.get(first + Math.min(random.nextInt(span), random.nextInt(span)));
      String merged = left + right;
      if (merged.length() > MAX_FILLER_CHARS || ids.containsKey(merged)) {
        continue;
      }
      merges.add(new String[] {left, right});
      add(tokens, ids, merged);
    }
  }

  private static void add(List<String> tokens, Map<String, Integer> ids, String token) {
    ids.put(token, tokens.size());
    tokens.add(token);
  }
}
