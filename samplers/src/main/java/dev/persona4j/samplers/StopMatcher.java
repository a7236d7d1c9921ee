package dev.persona4j.samplers;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds stop strings in one sequence's decoded text as it streams in, piece by piece. Text that could
 * still be the beginning of a stop string is held back until the next piece settles it; the stop
 * string itself, and anything after it, is never returned. Not thread-safe: one per sequence.
 */
public final class StopMatcher {
  /** What {@link #push(String)} releases: text safe to show, and whether a stop string was reached. */
  public record Emission(String text, boolean stopped) {
    public Emission {
      Objects.requireNonNull(text, "text");
    }
  }

  private final List<String> stops;
  private final int longest;
  private final StringBuilder held = new StringBuilder();
  private String matched;

  /** Made by {@link StopConditions#newMatcher()}, whose stop strings are already checked. */
  StopMatcher(List<String> stopStrings) {
    this.stops = stopStrings;
    this.longest = stops.stream().mapToInt(String::length).max().orElse(0);
  }

  /**
   * Adds the next decoded piece. Returns the text that is now known not to belong to a stop string;
   * when a stop string completes, returns the text before it with {@code stopped = true}, and every
   * later call returns empty text, stopped.
   */
  public Emission push(String piece) {
    Objects.requireNonNull(piece, "piece");
    if (matched != null) {
      return new Emission("", true);
    }
    if (stops.isEmpty()) {
      return new Emission(piece, false);
    }
    held.append(piece);
    // Earliest occurrence of any stop string wins; only the held text plus the new piece can contain it.
    int at = -1;
    String which = null;
    for (String s : stops) {
      int i = held.indexOf(s);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        which = s;
      }
    }
    if (at >= 0) {
      matched = which;
      String before = held.substring(0, at);
      held.setLength(0);
      return new Emission(before, true);
    }
    int keep = longestPendingSuffix();
    String release = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return new Emission(release, false);
  }

  /** Releases held-back text at the end of generation (it turned out not to be a stop string). */
  public String flush() {
    String rest = held.toString();
    held.setLength(0);
    return rest;
  }

  /** Whether a stop string has been found. */
  public boolean stopped() {
    return matched != null;
  }

  /** The stop string that ended the sequence, if any. */
  public Optional<String> matchedStopString() {
    return Optional.ofNullable(matched);
  }

  /** Length of the longest suffix of the held text that is a proper prefix of some stop string. */
  private int longestPendingSuffix() {
    int n = held.length();
    for (int len = Math.min(n, longest - 1); len > 0; len--) {
      for (String s : stops) {
        if (len < s.length() && regionEquals(n - len, s, len)) {
          return len;
        }
      }
    }
    return 0;
  }

  private boolean regionEquals(int from, String s, int len) {
    for (int i = 0; i < len; i++) {
      if (held.charAt(from + i) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
