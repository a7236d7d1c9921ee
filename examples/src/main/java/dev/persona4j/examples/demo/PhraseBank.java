package dev.persona4j.examples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A phrase bank, as written in the UTF-8 resource files {@code banks/*.txt} beside this class:
 * sections headed {@code @section [argument]}, one entry per line (surrounding whitespace
 * stripped). Blank lines and lines starting with {@code #} are ignored. A section's entries are
 * read in file order, which the corpus generator's random draws depend on.
 */
final class PhraseBank {
  private final String name;
  /** section -> argument ("" when none) -> lines, in file order. */
  private final Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();

  private PhraseBank(String name) {
    this.name = name;
  }

  static PhraseBank parse(String name, String text) {
    PhraseBank bank = new PhraseBank(name);
    List<String> current = null;
    int lineNumber = 0;
    for (String raw : text.split("\n", -1)) {
      lineNumber++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("@")) {
        String header = line.substring(1).strip();
        int space = header.indexOf(' ');
        String section = space < 0 ? header : header.substring(0, space);
        String argument = space < 0 ? "" : header.substring(space + 1).strip();
        Map<String, List<String>> byArgument =
            bank.sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
        if (byArgument.containsKey(argument)) {
          throw new CorpusException(name + " bank, line " + lineNumber + ": duplicate section @"
              + header);
        }
        current = new ArrayList<>();
        byArgument.put(argument, current);
        continue;
      }
      if (current == null) {
        throw new CorpusException(name + " bank, line " + lineNumber
            + ": text before the first @section: " + line);
      }
      current.add(line);
    }
    return bank;
  }

  String name() {
    return name;
  }

  boolean has(String section, String argument) {
    Map<String, List<String>> byArgument = sections.get(section);
    return byArgument != null && byArgument.containsKey(argument);
  }

  /** The lines of a section without argument; fails naming the bank when missing or empty. */
  List<String> lines(String section) {
    return lines(section, "");
  }

  List<String> lines(String section, String argument) {
    Map<String, List<String>> byArgument = sections.get(section);
    List<String> lines = byArgument == null ? null : byArgument.get(argument);
    if (lines == null || lines.isEmpty()) {
      throw new CorpusException(name + " bank: missing or empty section @" + section
          + (argument.isEmpty() ? "" : " " + argument));
    }
    return Collections.unmodifiableList(lines);
  }

  /** A prose section: its lines joined by single spaces. */
  String text(String section) {
    return String.join(" ", lines(section));
  }

  /** The arguments a section appears with, in file order. */
  List<String> arguments(String section) {
    Map<String, List<String>> byArgument = sections.get(section);
    return byArgument == null ? List.of() : List.copyOf(byArgument.keySet());
  }

  /** A {@code key: value} section as a map. */
  Map<String, String> keyValues(String section) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines(section)) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new CorpusException(name + " bank, @" + section + ": expected 'key: value', got: "
            + line);
      }
      out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    return out;
  }

  List<PhraseTemplate> templates(String section, String argument) {
    List<PhraseTemplate> out = new ArrayList<>();
    for (String line : lines(section, argument)) {
      out.add(PhraseTemplate.parse(line, name + " @" + section
          + (argument.isEmpty() ? "" : " " + argument)));
    }
    return List.copyOf(out);
  }
}
