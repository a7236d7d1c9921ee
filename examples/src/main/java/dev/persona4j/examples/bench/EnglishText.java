package dev.persona4j.examples.bench;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded, generated English-like prose: the corpus the benchmark tokenizer's merges are learned from and the
 * source of the benchmark prompt. Not meaningful text; only its statistics (common words, punctuation,
 * capitals, digits) matter.
 */
final class EnglishText {
  private static final List<String> WORDS = List.of(
      "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with",
      "as", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "word", "but", "what",
      "some", "we", "can", "out", "other", "were", "all", "there", "when", "up", "use", "your", "how", "said",
      "an", "each", "she", "which", "do", "their", "time", "if", "will", "way", "about", "many", "then", "them",
      "write", "would", "like", "so", "these", "her", "long", "make", "thing", "see", "him", "two", "has",
      "look", "more", "day", "could", "go", "come", "did", "number", "sound", "no", "most", "people", "my",
      "over", "know", "water", "than", "call", "first", "who", "may", "down", "side", "been", "now", "find",
      "captain", "ship", "sea", "crew", "harbour", "storm", "wind", "sail", "island", "map", "story", "voice",
      "character", "question", "answer", "morning", "evening", "light", "house", "river", "mountain", "friend",
      "little", "great", "old", "new", "good", "small", "large", "quiet", "bright", "dark", "cold", "warm",
      "walked", "looked", "thought", "asked", "turned", "remembered", "laughed", "waited", "opened", "carried",
      "because", "before", "after", "while", "under", "between", "through", "against", "without", "again",
      "never", "always", "often", "perhaps", "already", "together", "nothing", "everything", "someone");
  private static final List<String> ENDINGS = List.of(".", ".", ".", "!", "?", "...");

  private EnglishText() {}

  /** {@code sentences} sentences of 4 to 16 words, with occasional commas, quotes and numbers. */
  static String generate(long seed, int sentences) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    for (int s = 0; s < sentences; s++) {
      int length = 4 + random.nextInt(13);
      boolean quoted = random.nextInt(8) == 0;
      if (s > 0) {
        text.append(random.nextInt(6) == 0 ? "\n\n" : " ");
      }
      if (quoted) {
        text.append('"');
      }
      for (int w = 0; w < length; w++) {
        String word = random.nextInt(25) == 0
            ? Integer.toString(random.nextInt(2000))
            : WORDS.get(random.nextInt(WORDS.size()));
        if (w == 0) {
          word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
        } else {
          text.append(' ');
        }
        text.append(word);
        if (w + 1 < length && random.nextInt(9) == 0) {
          text.append(',');
        }
      }
      text.append(ENDINGS.get(random.nextInt(ENDINGS.size())));
      if (quoted) {
        text.append('"');
      }
    }
    return text.toString();
  }
}
