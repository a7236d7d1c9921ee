package dev.persona4j.core.persona;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** How a lorebook key matches text: a substring, or a regular expression when the entry says so. */
final class LoreMatcher {
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
    int flags = caseSensitive ? Pattern.LITERAL : Pattern.LITERAL | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    return Pattern.compile(key, flags);
  }

  /**
   * Compiles a regular-expression key; {@code /pattern/flags} (the JavaScript form many cards use) is
   * accepted, with flag {@code i} making it case-insensitive.
   *
   * @throws IllegalArgumentException when the expression is invalid
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
      return Pattern.compile(body, insensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    } catch (PatternSyntaxException ex) {
      throw new IllegalArgumentException(ex.getDescription() + " in " + key, ex);
    }
  }
}
