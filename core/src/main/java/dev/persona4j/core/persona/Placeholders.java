package dev.persona4j.core.persona;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placeholders persona text may contain: {@code {{char}}} (the nickname when set, else the name),
 * {@code {{user}}}, and {@code {{original}}} (only in the system prompt and post-history instructions).
 * Names are matched case-insensitively. Persona files may use no others; imported cards often use other
 * macros (e.g. {@code {{random:...}}}), which are left as they are when resolving.
 */
final class Placeholders {
  private static final Logger LOG = LoggerFactory.getLogger(Placeholders.class);
  private static final Pattern MACRO = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

  private Placeholders() {}

  /** Every {@code {{...}}} in {@code text}, with braces, in order of appearance. */
  static List<String> find(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = MACRO.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /**
   * The first placeholder in {@code text} that is not {@code {{char}}} or {@code {{user}}} (or
   * {@code {{original}}} when {@code allowOriginal}).
   */
  static Optional<String> firstUnknown(String text, boolean allowOriginal) {
    Matcher m = MACRO.matcher(text);
    while (m.find()) {
      String name = m.group(1).trim().toLowerCase(Locale.ROOT);
      boolean known = name.equals("char") || name.equals("user") || (allowOriginal && name.equals("original"));
      if (!known) {
        return Optional.of(m.group());
      }
    }
    return Optional.empty();
  }

  /**
   * Replaces {@code {{char}}}, {@code {{user}}} and {@code {{original}}} (case-insensitively); any other
   * macro is left as it is, with a warning.
   *
   * @param original what {@code {{original}}} stands for; null leaves {@code {{original}}} untouched
   */
  static String resolve(String text, String charName, String userName, String original) {
    if (text.indexOf("{{") < 0) {
      return text;
    }
    Set<String> unknown = new LinkedHashSet<>();
    Matcher m = MACRO.matcher(text);
    StringBuilder sb = new StringBuilder(text.length());
    while (m.find()) {
      String name = m.group(1).trim().toLowerCase(Locale.ROOT);
      String replacement;
      switch (name) {
        case "char" -> replacement = charName;
        case "user" -> replacement = userName;
        case "original" -> replacement = original != null ? original : m.group();
        default -> {
          replacement = m.group();
          unknown.add(m.group());
        }
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    if (!unknown.isEmpty()) {
      LOG.warn("Leaving unknown placeholders as they are: {}", unknown);
    }
    return sb.toString();
  }
}
