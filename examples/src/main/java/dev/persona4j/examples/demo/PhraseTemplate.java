package dev.persona4j.examples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A line of a phrase bank: literal text with inline alternatives {@code [a|b|c]} (one is chosen,
 * an empty alternative is allowed) and slots {@code {place}} filled from the persona profile.
 * A line may start with tags, {@code (medical,law) ...}: a tagged user turn is answered only by
 * content lines with one of its tags or with none, so a reply fits what was asked.
 *
 * <p>Kept deliberately tiny: no nesting, no escapes. Banks are validated when they are parsed, so a
 * typo fails at start-up with the bank and line named rather than producing odd replies.
 */
final class PhraseTemplate {
  static final List<String> SLOTS = List.of("name", "nick", "place", "companion");

  private final String source;
  private final String origin;
  private final Set<String> tags;
  /** Literal pieces and choice groups, alternating: piece, group, piece, group, ..., piece. */
  private final List<String> pieces = new ArrayList<>();
  private final List<List<String>> choices = new ArrayList<>();

  private PhraseTemplate(String line, String origin) {
    this.origin = origin;
    SortedSet<String> parsedTags = new TreeSet<>();
    String text = line;
    if (line.startsWith("(")) {
      int close = line.indexOf(')');
      if (close < 0) {
        throw new CorpusException(origin + ": unclosed tag list in: " + line);
      }
      for (String tag : line.substring(1, close).split(",")) {
        if (tag.isBlank()) {
          throw new CorpusException(origin + ": empty tag in: " + line);
        }
        parsedTags.add(tag.strip());
      }
      text = line.substring(close + 1).strip();
    }
    this.tags = Collections.unmodifiableSortedSet(parsedTags);
    this.source = text;
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == '[') {
        int end = source.indexOf(']', i);
        if (end < 0 || source.indexOf('[', i + 1) >= 0 && source.indexOf('[', i + 1) < end) {
          throw new CorpusException(origin + ": unclosed or nested '[' in: " + source);
        }
        pieces.add(literal.toString());
        literal.setLength(0);
        choices.add(List.of(source.substring(i + 1, end).split("\\|", -1)));
        i = end + 1;
      } else if (c == ']') {
        throw new CorpusException(origin + ": unmatched ']' in: " + source);
      } else {
        literal.append(c);
        i++;
      }
    }
    pieces.add(literal.toString());
    checkSlots();
  }

  static PhraseTemplate parse(String source, String origin) {
    return new PhraseTemplate(source, origin);
  }

  String source() {
    return source;
  }

  /** The line's tags; empty for an untagged line. */
  Set<String> tags() {
    return tags;
  }

  /** True if this content line may answer a user turn with {@code tag} (null: untagged turn). */
  boolean answers(String tag) {
    return tag == null || tags.isEmpty() || tags.contains(tag);
  }

  String origin() {
    return origin;
  }

  /** Number of distinct texts the alternatives can produce (before slots are filled). */
  long variants() {
    long n = 1;
    for (List<String> group : choices) {
      n *= group.size();
    }
    return n;
  }

  /** One random expansion with slots filled. */
  String expand(SplittableRandom rng, Map<String, String> slots) {
    StringBuilder out = new StringBuilder(pieces.get(0));
    for (int g = 0; g < choices.size(); g++) {
      List<String> group = choices.get(g);
      out.append(group.get(rng.nextInt(group.size())));
      out.append(pieces.get(g + 1));
    }
    return fill(out.toString(), slots, origin);
  }

  /** Every expansion, slots filled; used to validate banks. */
  List<String> allExpansions(Map<String, String> slots) {
    List<String> out = new ArrayList<>();
    out.add(pieces.get(0));
    for (int g = 0; g < choices.size(); g++) {
      List<String> next = new ArrayList<>();
      for (String prefix : out) {
        for (String alternative : choices.get(g)) {
          next.add(prefix + alternative + pieces.get(g + 1));
        }
      }
      out = next;
    }
    List<String> filled = new ArrayList<>(out.size());
    for (String text : out) {
      filled.add(fill(text, slots, origin));
    }
    return filled;
  }

  /**
   * Replaces {@code {slot}}s. A value landing at the start of a sentence is capitalised ("the
   * Gull's Wager" opening a sentence becomes "The Gull's Wager").
   */
  static String fill(String text, Map<String, String> slots, String origin) {
    StringBuilder out = new StringBuilder(text.length() + 32);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '{') {
        out.append(c);
        i++;
        continue;
      }
      int end = text.indexOf('}', i);
      if (end < 0) {
        throw new CorpusException(origin + ": unclosed '{' in: " + text);
      }
      String slot = text.substring(i + 1, end);
      String value = slots.get(slot);
      if (value == null) {
        throw new CorpusException(origin + ": unknown slot {" + slot + "} in: " + text);
      }
      if (atSentenceStart(out) && !value.isEmpty()) {
        value = Character.toUpperCase(value.charAt(0)) + value.substring(1);
      }
      out.append(value);
      i = end + 1;
    }
    return out.toString();
  }

  private static boolean atSentenceStart(CharSequence before) {
    int k = before.length() - 1;
    while (k >= 0 && before.charAt(k) == ' ') {
      k--;
    }
    if (k < 0) {
      return true;
    }
    char c = before.charAt(k);
    return (c == '.' || c == '!' || c == '?') && k < before.length() - 1;
  }

  private void checkSlots() {
    int i = source.indexOf('{');
    while (i >= 0) {
      int end = source.indexOf('}', i);
      if (end < 0) {
        throw new CorpusException(origin + ": unclosed '{' in: " + source);
      }
      String slot = source.substring(i + 1, end);
      if (!SLOTS.contains(slot)) {
        throw new CorpusException(origin + ": unknown slot {" + slot + "} in: " + source
            + " (known: " + SLOTS + ")");
      }
      i = source.indexOf('{', end);
    }
    if (source.contains("...")) {
      throw new CorpusException(origin
          + ": ellipses are not allowed (they confuse sentence starts): "
          + source);
    }
  }

  @Override
  public String toString() {
    return source;
  }
}
