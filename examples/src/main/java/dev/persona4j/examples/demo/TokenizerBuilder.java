package dev.persona4j.examples.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Trains a byte-level BPE tokenizer ({@link ByteLevelBpe}) on weighted texts: pre-tokenize with the
 * GPT-2 pattern, start from the 256 bytes, and repeatedly merge the most frequent adjacent pair
 * (ties broken by the pair's token strings, so training is deterministic) until the vocabulary
 * reaches the requested size or no pair occurs twice.
 *
 * <pre>{@code
 * ByteLevelBpe bpe = TokenizerBuilder.withVocabularySize(3072)
 *     .add(replyText).add(personaYaml, 5).build();
 * bpe.write(outputDir);
 * }</pre>
 */
public final class TokenizerBuilder {
  /** Default vocabulary size for the demo model (specials and bytes included). */
  public static final int DEFAULT_VOCABULARY_SIZE = 3072;
  /** How often a persona definition counts relative to one dialogue text (see forCorpus). */
  public static final int DEFINITION_WEIGHT = 5;

  private final int vocabularySize;
  /** Pre-tokenized word -> weighted count; a TreeMap so training order is deterministic. */
  private final Map<String, Long> wordCounts = new TreeMap<>();

  private TokenizerBuilder(int vocabularySize) {
    this.vocabularySize = vocabularySize;
  }

  /**
   * @param vocabularySize total tokens including the 3 special tokens and 256 bytes; at least 259
   */
  public static TokenizerBuilder withVocabularySize(int vocabularySize) {
    if (vocabularySize < ByteLevelBpe.FIRST_MERGE_ID) {
      throw new IllegalArgumentException("vocabularySize must be at least "
          + ByteLevelBpe.FIRST_MERGE_ID + " (specials and bytes), got " + vocabularySize);
    }
    return new TokenizerBuilder(vocabularySize);
  }

  /**
   * The demo tokenizer: trained on every user and reply text of the corpus once, and on each
   * persona definition text {@link #DEFINITION_WEIGHT} times (definitions recur in every prompt of
   * their persona, so they should encode compactly too).
   */
  public static ByteLevelBpe forCorpus(Corpus corpus, List<String> personaDefinitions,
      int vocabularySize) {
    TokenizerBuilder builder = withVocabularySize(vocabularySize);
    for (String text : corpus.dialogueTexts()) {
      builder.add(text);
    }
    for (String definition : personaDefinitions) {
      builder.add(definition, DEFINITION_WEIGHT);
    }
    // The chat template's role lines appear in every prompt.
    builder.add("system\nuser\nassistant\n", corpus.examples().size());
    return builder.build();
  }

  public TokenizerBuilder add(String text) {
    return add(text, 1);
  }

  /** Adds a training text that counts {@code weight} times. Special tokens in it are skipped. */
  public TokenizerBuilder add(String text, int weight) {
    if (weight < 1) {
      throw new IllegalArgumentException("weight must be >= 1, got " + weight);
    }
    for (String special : ByteLevelBpe.SPECIAL_TOKENS) {
      text = text.replace(special, "\n");
    }
    Matcher m = ByteLevelBpe.SPLIT.matcher(text);
    while (m.find()) {
      wordCounts.merge(m.group(), (long) weight, Long::sum);
    }
    return this;
  }

  /** Trains the merges. */
  public ByteLevelBpe build() {
    List<String> tokens = new ArrayList<>(ByteLevelBpe.SPECIAL_TOKENS);
    for (int b = 0; b < 256; b++) {
      tokens.add(ByteLevelBpe.byteSymbol(b));
    }
    int wordCount = wordCounts.size();
    int[][] words = new int[wordCount][];
    long[] freq = new long[wordCount];
    int w = 0;
    for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
      byte[] utf8 = e.getKey().getBytes(StandardCharsets.UTF_8);
      int[] symbols = new int[utf8.length];
      for (int i = 0; i < utf8.length; i++) {
        symbols[i] = ByteLevelBpe.FIRST_BYTE_ID + (utf8[i] & 0xff);
      }
      words[w] = symbols;
      freq[w] = e.getValue();
      w++;
    }

    Map<Long, Long> pairCounts = new HashMap<>();
    Map<Long, Set<Integer>> pairWords = new HashMap<>();
    for (int i = 0; i < wordCount; i++) {
      int[] s = words[i];
      for (int j = 0; j + 1 < s.length; j++) {
        long key = ByteLevelBpe.pairKey(s[j], s[j + 1]);
        pairCounts.merge(key, freq[i], Long::sum);
        pairWords.computeIfAbsent(key, k -> new HashSet<>()).add(i);
      }
    }
    // Max-heap by count, then by the pair's strings ascending; stale entries are skipped on poll.
    Comparator<long[]> order = Comparator.<long[]>comparingLong(e -> -e[0])
        .thenComparing(e -> tokens.get((int) (e[1] >>> 32)))
        .thenComparing(e -> tokens.get((int) e[1]));
    PriorityQueue<long[]> heap = new PriorityQueue<>(order);
    pairCounts.forEach((key, count) -> heap.add(new long[] {count, key}));

    List<int[]> merges = new ArrayList<>();
    while (tokens.size() < vocabularySize && !heap.isEmpty()) {
      long[] top = heap.poll();
      long key = top[1];
      Long current = pairCounts.get(key);
      if (current == null || current != top[0]) {
        continue;
      }
      if (current < 2) {
        break;
      }
      int a = (int) (key >>> 32);
      int b = (int) key;
      int merged = tokens.size();
      tokens.add(tokens.get(a) + tokens.get(b));
      merges.add(new int[] {a, b});

      Map<Long, Long> delta = new HashMap<>();
      Set<Integer> affected = pairWords.remove(key);
      pairCounts.remove(key);
      List<Integer> sorted = new ArrayList<>(affected);
      sorted.sort(null);
      for (int i : sorted) {
        int[] old = words[i];
        int[] updated = mergePair(old, a, b, merged);
        if (updated.length == old.length) {
          continue;
        }
        for (int j = 0; j + 1 < old.length; j++) {
          long k = ByteLevelBpe.pairKey(old[j], old[j + 1]);
          if (k != key) {
            delta.merge(k, -freq[i], Long::sum);
          }
        }
        for (int j = 0; j + 1 < updated.length; j++) {
          long k = ByteLevelBpe.pairKey(updated[j], updated[j + 1]);
          delta.merge(k, freq[i], Long::sum);
          pairWords.computeIfAbsent(k, x -> new HashSet<>()).add(i);
        }
        words[i] = updated;
      }
      for (Map.Entry<Long, Long> d : delta.entrySet()) {
        if (d.getValue() == 0) {
          continue;
        }
        long count = pairCounts.getOrDefault(d.getKey(), 0L) + d.getValue();
        if (count <= 0) {
          pairCounts.remove(d.getKey());
        } else {
          pairCounts.put(d.getKey(), count);
          heap.add(new long[] {count, d.getKey()});
        }
      }
    }
    return new ByteLevelBpe(tokens, merges);
  }

  private static int[] mergePair(int[] symbols, int a, int b, int merged) {
    int[] out = new int[symbols.length];
    int w = 0;
    for (int i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] == a && symbols[i + 1] == b) {
        out[w++] = merged;
        i++;
      } else {
        out[w++] = symbols[i];
      }
    }
    return w == symbols.length ? symbols : Arrays.copyOf(out, w);
  }
}
