package dev.persona4j.training.heads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Labelled examples whose classes differ in a way a model's activations carry: positive replies use
 * only the letters a-m, negative ones only n-z, while the prompts they answer are drawn from the whole
 * alphabet for both classes. Seeded, so every run builds the same set.
 */
final class SyntheticPersonaData {
  static final String POSITIVE_LETTERS = "abcdefghijklm";
  static final String NEGATIVE_LETTERS = "nopqrstuvwxyz";
  static final String ALL_LETTERS = "abcdefghijklmnopqrstuvwxyz";

  private SyntheticPersonaData() {}

  /** {@code n} prompt/reply pairs, alternating classes, prompts rendered in the llama-2 chat style. */
  static List<LabeledExample> replies(int n, long seed) {
    Random random = new Random(seed);
    List<LabeledExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean positive = i % 2 == 0;
      String prompt = "<s>[INST] " + words(random, ALL_LETTERS, 2, 4) + " [/INST]";
      String reply = " " + words(random, positive ? POSITIVE_LETTERS : NEGATIVE_LETTERS, 3, 6);
      out.add(LabeledExample.reply(prompt, reply, positive, Map.of("persona", "synthetic"), "synthetic #" + i));
    }
    return out;
  }

  /** {@code n} free texts, alternating classes. */
  static List<LabeledExample> texts(int n, long seed) {
    Random random = new Random(seed);
    List<LabeledExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean positive = i % 2 == 0;
      out.add(LabeledExample.text(words(random, positive ? POSITIVE_LETTERS : NEGATIVE_LETTERS, 3, 7), positive));
    }
    return out;
  }

  static String words(Random random, String letters, int minWords, int maxWords) {
    int count = minWords + random.nextInt(maxWords - minWords + 1);
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < count; w++) {
      if (w > 0) {
        sb.append(' ');
      }
      int length = 2 + random.nextInt(4);
      for (int c = 0; c < length; c++) {
        sb.append(letters.charAt(random.nextInt(letters.length())));
      }
    }
    return sb.toString();
  }
}
