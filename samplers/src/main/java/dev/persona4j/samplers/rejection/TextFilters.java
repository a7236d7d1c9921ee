package dev.persona4j.samplers.rejection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntPredicate;

/** The text handling behind {@link CandidateFilter}'s factories. */
final class TextFilters {
  private TextFilters() {}

  static String normalise(String s) {
    return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /** A filter on the length in code points of the trimmed text; {@code failure} says how it missed. */
  static CandidateFilter lengthBound(String name, IntPredicate accepts, String failure) {
    return filter(name, c -> {
      String t = c.text().strip();
      int n = t.codePointCount(0, t.length());
      return accepts.test(n) ? FilterVerdict.pass(name) : FilterVerdict.reject(name, n + " characters, " + failure);
    });
  }

  static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  static List<String> ngrams(List<String> words, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + n <= words.size(); i++) {
      out.add(String.join(" ", words.subList(i, i + n)));
    }
    return out;
  }

  /** {length, start in a} of the longest common substring, by dynamic programming over two rows. */
  static int[] longestCommonSubstring(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    int best = 0;
    int bestEnd = 0;
    for (int i = 1; i <= a.length(); i++) {
      char ca = a.charAt(i - 1);
      for (int j = 1; j <= b.length(); j++) {
        if (ca == b.charAt(j - 1)) {
          current[j] = previous[j - 1] + 1;
          if (current[j] > best) {
            best = current[j];
            bestEnd = i;
          }
        } else {
          current[j] = 0;
        }
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return new int[] {best, bestEnd - best};
  }

  interface Check {
    FilterVerdict apply(Candidate c);
  }

  static CandidateFilter filter(String name, Check check) {
    return new CandidateFilter() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public FilterVerdict check(Candidate candidate) {
        return check.apply(Objects.requireNonNull(candidate, "candidate"));
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
