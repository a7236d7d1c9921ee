package dev.persona4j.core.persona;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A card's {@code mes_example}: blocks introduced by {@code <START>}, each a run of lines beginning
 * {@code {{user}}:} or {@code {{char}}:} (the character's name or nickname is also recognised).
 */
final class MesExample {
  private static final Pattern START = Pattern.compile("^\\s*<START>\\s*$", Pattern.CASE_INSENSITIVE);

  private MesExample() {}

  static List<ExampleDialogue> parse(String text, String name, String nickname) {
    StringBuilder alternatives = new StringBuilder("\\{\\{user}}|\\{\\{char}}");
    for (String n : new String[] {name, nickname}) {
      if (n != null && !n.isBlank()) {
        alternatives.append('|').append(Pattern.quote(n));
      }
    }
    Pattern speakerLine = Pattern.compile("^\\s*(" + alternatives + ")\\s*:[ \\t]?(.*)$",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    List<ExampleDialogue> out = new ArrayList<>();
    List<Turn> block = new ArrayList<>();
    Speaker speaker = null;
    StringBuilder current = null;
    for (String raw : text.replace("\r\n", "\n").split("\n", -1)) {
      if (START.matcher(raw).matches()) {
        finishLine(block, speaker, current);
        finishBlock(out, block);
        speaker = null;
        current = null;
        continue;
      }
      Matcher m = speakerLine.matcher(raw);
      if (m.matches()) {
        finishLine(block, speaker, current);
        speaker = m.group(1).equalsIgnoreCase("{{user}}") ? Speaker.USER : Speaker.CHARACTER;
        current = new StringBuilder(m.group(2));
      } else if (current != null) {
        current.append('\n').append(raw);
      } else if (!raw.isBlank()) {
        // Narration before any speaker label: the character's, as cards write it.
        speaker = Speaker.CHARACTER;
        current = new StringBuilder(raw);
      }
    }
    finishLine(block, speaker, current);
    finishBlock(out, block);
    return out;
  }

  private static void finishLine(List<Turn> block, Speaker speaker, StringBuilder current) {
    if (current != null) {
      block.add(new Turn(speaker, current.toString().strip()));
    }
  }

  private static void finishBlock(List<ExampleDialogue> out, List<Turn> block) {
    if (!block.isEmpty()) {
      out.add(new ExampleDialogue(block));
      block.clear();
    }
  }

  static String render(List<ExampleDialogue> dialogues) {
    StringBuilder sb = new StringBuilder();
    for (ExampleDialogue d : dialogues) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append("<START>");
      for (Turn l : d.lines()) {
        sb.append('\n').append(l.speaker() == Speaker.USER ? "{{user}}" : "{{char}}").append(": ").append(l.text());
      }
    }
    return sb.toString();
  }
}
