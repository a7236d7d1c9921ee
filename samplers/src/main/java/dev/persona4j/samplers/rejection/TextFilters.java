package dev.persona4j.samplers.rejection;

import dev.persona4j.samplers.InvalidSettingException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The hard filters on candidate text: length bounds, banned phrases, and echoing the prompt or the
 * user's message back. Comparisons of phrases and echoes are case-insensitive and treat any run of
 * whitespace as one space.
 */
public final class TextFilters {
  private TextFilters() {}

  /** At least {@code chars} characters (code points) after trimming. */
  public static CandidateFilter minLength(int chars) {
    if (chars < 0) {
      throw new InvalidSettingException("minLength", chars, "must be >= 0");
    }
    String name = "min-length(" + chars + ")";
    return filter(name, c -> {
      int n = length(c.text());
      return n >= chars ? FilterVerdict.pass(name) : FilterVerdict.reject(name, n + " characters, fewer than " + chars);
    });
  }

  /** At most {@code chars} characters (code points) after trimming. */
  public static CandidateFilter maxLength(int chars) {
    if (chars < 1) {
      throw new InvalidSettingException("maxLength", chars, "must be >= 1");
    }
    String name = "max-length(" + chars + ")";
    return filter(name, c -> {
      int n = length(c.text());
      return n <= chars ? FilterVerdict.pass(name) : FilterVerdict.reject(name, n + " characters, more than " + chars);
    });
  }

  /** Rejects a candidate containing any of the phrases (e.g. "As an AI language model"). */
  public static CandidateFilter bannedPhrases(Collection<String> phrases) {
    Objects.requireNonNull(phrases, "phrases");
    List<String> originals = new ArrayList<>();
    List<String> normalised = new ArrayList<>();
    for (String p : phrases) {
      String n = p == null ? "" : normalise(p);
      if (n.isEmpty()) {
        throw new InvalidSettingException("bannedPhrases", p == null ? "null" : "\"" + p + "\"", "a banned phrase must have text");
      }
      originals.add(p);
      normalised.add(n);
    }
    String name = "banned-phrases(" + originals.size() + ")";
    return filter(name, c -> {
      String text = normalise(c.text());
      for (int i = 0; i < normalised.size(); i++) {
        if (text.contains(normalised.get(i))) {
          return FilterVerdict.reject(name, "contains banned phrase \"" + originals.get(i) + "\"");
        }
      }
      return FilterVerdict.pass(name);
    });
  }

  /**
   * Rejects a candidate that repeats {@code minEchoChars} or more consecutive characters of
   * {@code message} (the prompt or the user's last message): a parroting continuation.
   */
  public static CandidateFilter echoesMessage(String message, int minEchoChars) {
    Objects.requireNonNull(message, "message");
    if (minEchoChars < 1) {
      throw new InvalidSettingException("minEchoChars", minEchoChars, "must be >= 1");
    }
    String source = normalise(message);
    String name = "echoes-message(" + minEchoChars + ")";
    return filter(name, c -> {
      String text = normalise(c.text());
      int[] match = longestCommonSubstring(text, source);
      if (match[0] >= minEchoChars) {
        String echoed = text.substring(match[1], match[1] + match[0]);
        String shown = echoed.length() > 60 ? echoed.substring(0, 60) + "..." : echoed;
        return FilterVerdict.reject(name, "repeats " + match[0] + " characters of the message: \"" + shown + "\"");
      }
      return FilterVerdict.pass(name);
    });
  }

  /**
   * Rejects a candidate when more than {@code maxFraction} of its word {@code n}-grams also occur in
   * {@code message}. Candidates shorter than {@code n} words pass.
   */
  public static CandidateFilter ngramOverlap(String message, int n, double maxFraction) {
    Objects.requireNonNull(message, "message");
    if (n < 1) {
      throw new InvalidSettingException("n", n, "must be >= 1");
    }
    if (!(maxFraction >= 0 && maxFraction < 1)) {
      throw new InvalidSettingException("maxFraction", maxFraction, "must be in [0, 1)");
    }
    Set<String> source = new HashSet<>(ngrams(words(message), n));
    String name = String.format(Locale.ROOT, "ngram-overlap(%d, %.2f)", n, maxFraction);
    return filter(name, c -> {
      List<String> grams = ngrams(words(c.text()), n);
      if (grams.isEmpty()) {
        return FilterVerdict.pass(name);
      }
      int shared = 0;
      for (String g : grams) {
        if (source.contains(g)) {
          shared++;
        }
      }
      double fraction = shared / (double) grams.size();
      return fraction > maxFraction
          ? FilterVerdict.reject(name, String.format(Locale.ROOT, "%d of %d %d-grams (%.0f%%) come from the message",
              shared, grams.size(), n, fraction * 100))
          : FilterVerdict.pass(name);
    });
  }

  static String normalise(String s) {
    return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static int length(String s) {
    String t = s.strip();
    return t.codePointCount(0, t.length());
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  private static List<String> ngrams(List<String> words, int n) {
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

  private interface Check {
    FilterVerdict apply(Candidate c);
  }

  private static CandidateFilter filter(String name, Check check) {
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
