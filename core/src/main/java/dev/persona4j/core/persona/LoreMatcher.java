package dev.persona4j.core.persona;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;

/**
 * How a lorebook key matches text: a substring, or a regular expression when the entry says so.
 * Keys come from cards anyone can write, so they are matched by RE2J in time linear in the text:
 * no key can stall prompt assembly or overflow the stack, and the few features that need
 * backtracking (backreferences, lookaround) are rejected when the key is read.
 */
final class LoreMatcher {
  private static final Pattern BACKREFERENCE = Pattern.compile("\\\\[1-9]|\\\\k<");
  private final List<Pattern> primary;
  private final List<Pattern> secondary;

  LoreMatcher(LoreEntry e) {
    this.primary = e.keys().stream().filter(k -> !k.isBlank())
        .map(k -> compile(k, e.useRegex(), e.caseSensitive())).toList();
    this.secondary = e.secondaryKeys().stream().filter(k -> !k.isBlank())
        .map(k -> compile(k, e.useRegex(), e.caseSensitive())).toList();
  }

  boolean primaryMatches(String text) {
    return any(primary, text);
  }

  boolean secondaryMatches(String text) {
    return secondary.isEmpty() || any(secondary, text);
  }

  boolean hasSecondary() {
    return !secondary.isEmpty();
  }

  private static boolean any(List<Pattern> patterns, String text) {
    for (Pattern p : patterns) {
      if (p.matcher(text).find()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern compile(String key, boolean regex, boolean caseSensitive) {
    if (regex) {
      return compileKey(key, caseSensitive);
    }
    return Pattern.compile(Pattern.quote(key), caseSensitive ? 0 : Pattern.CASE_INSENSITIVE);
  }

  /**
   * Compiles a regular-expression key; {@code /pattern/flags} (the JavaScript form many cards use) is
   * accepted, with flag {@code i} making it case-insensitive.
   *
   * @throws IllegalArgumentException when the expression is invalid or needs backtracking (a
   *     backreference, lookaround), saying which
   */
  static Pattern compileKey(String key, boolean caseSensitive) {
    String body = key;
    boolean insensitive = !caseSensitive;
    if (key.length() >= 2 && key.startsWith("/") && key.lastIndexOf('/') > 0) {
      int end = key.lastIndexOf('/');
      String flags = key.substring(end + 1);
      if (flags.chars().allMatch(Character::isLetter)) {
        body = key.substring(1, end);
        if (flags.indexOf('i') >= 0) {
          insensitive = true;
        }
      }
    }
    try {
      return Pattern.compile(body, insensitive ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException ex) {
      String why = BACKREFERENCE.matcher(body).find()
          ? "backreferences (\\1, \\k<name>) are not supported"
          : ex.getDescription();
      throw new IllegalArgumentException(why + " in " + key
          + " (keys are matched in linear time: RE2 syntax, without backreferences or lookaround)", ex);
    }
  }
}
