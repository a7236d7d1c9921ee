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
 * A hard rule on a candidate's text: a candidate that fails any filter is never chosen. The static
 * factories give the filters on text: length bounds, banned phrases, and echoing the prompt or the
 * user's message back. Their comparisons of phrases and echoes are case-insensitive and treat any run
 * of whitespace as one space.
 */
public interface CandidateFilter {
  /** A short name shown in verdicts, e.g. {@code max-length(800)}. */
  String name();

  /** Whether the candidate passes, and why not. */
  FilterVerdict check(Candidate candidate);

  /** At least {@code chars} characters (code points) after trimming. */
  static CandidateFilter minLength(int chars) {
    if (chars < 0) {
      throw new InvalidSettingException("minLength", chars, "must be >= 0");
    }
    return TextFilters.lengthBound("min-length(" + chars + ")", n -> n >= chars, "fewer than " + chars);
  }

  /** At most {@code chars} characters (code points) after trimming. */
  static CandidateFilter maxLength(int chars) {
    if (chars < 1) {
      throw new InvalidSettingException("maxLength", chars, "must be >= 1");
    }
    return TextFilters.lengthBound("max-length(" + chars + ")", n -> n <= chars, "more than " + chars);
  }

  /** Rejects a candidate containing any of the phrases (e.g. "As an AI language model"). */
  static CandidateFilter bannedPhrases(Collection<String> phrases) {
    Objects.requireNonNull(phrases, "phrases");
    List<String> originals = new ArrayList<>();
    List<String> normalised = new ArrayList<>();
    for (String p : phrases) {
      String n = p == null ? "" : TextFilters.normalise(p);
      if (n.isEmpty()) {
        throw new InvalidSettingException("bannedPhrases", p == null ? "null" : "\"" + p + "\"", "a banned phrase must have text");
      }
      originals.add(p);
      normalised.add(n);
    }
    String name = "banned-phrases(" + originals.size() + ")";
    return TextFilters.filter(name, c -> {
      String text = TextFilters.normalise(c.text());
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
  static CandidateFilter echoesMessage(String message, int minEchoChars) {
    Objects.requireNonNull(message, "message");
    if (minEchoChars < 1) {
      throw new InvalidSettingException("minEchoChars", minEchoChars, "must be >= 1");
    }
    String source = TextFilters.normalise(message);
    String name = "echoes-message(" + minEchoChars + ")";
    return TextFilters.filter(name, c -> {
      String text = TextFilters.normalise(c.text());
      int[] match = TextFilters.longestCommonSubstring(text, source);
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
  static CandidateFilter ngramOverlap(String message, int n, double maxFraction) {
    Objects.requireNonNull(message, "message");
    if (n < 1) {
      throw new InvalidSettingException("n", n, "must be >= 1");
    }
    if (!(maxFraction >= 0 && maxFraction < 1)) {
      throw new InvalidSettingException("maxFraction", maxFraction, "must be in [0, 1)");
    }
    Set<String> source = new HashSet<>(TextFilters.ngrams(TextFilters.words(message), n));
    String name = String.format(Locale.ROOT, "ngram-overlap(%d, %.2f)", n, maxFraction);
    return TextFilters.filter(name, c -> {
      List<String> grams = TextFilters.ngrams(TextFilters.words(c.text()), n);
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
}
