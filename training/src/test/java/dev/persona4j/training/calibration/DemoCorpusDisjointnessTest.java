package dev.persona4j.training.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.persona4j.core.persona.Persona;
import dev.persona4j.training.calibration.ContrastBank.Exchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled contrast texts are not tuned to the demo model: no 4-word sequence of the reply bank or
 * of the contrast personas' in-voice texts occurs in the demo corpus generator's phrase banks. Words
 * are lowercased, punctuation stripped and split on whitespace; a bank line's alternatives
 * {@code [a|b]} are expanded, its tags {@code (medical)} dropped, and its slots {@code {place}} end
 * a sequence (a slot is filled with a name the bundled texts never use together with it).
 */
class DemoCorpusDisjointnessTest {
  static final Path DEMO_BANKS = Path.of("../examples/src/main/resources/dev/persona4j/examples/demo/banks");
  static final String SLOT = "\u0001";

  static Set<String> demoGrams;

  @BeforeAll
  static void readDemoBanks() throws IOException {
    assumeTrue(Files.isDirectory(DEMO_BANKS),
        "SKIPPED: the demo corpus phrase banks are not at " + DEMO_BANKS.toAbsolutePath() + " (not a full checkout)");
    demoGrams = new HashSet<>();
    try (Stream<Path> files = Files.list(DEMO_BANKS)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".txt")).sorted()::iterator) {
        for (String line : Files.readAllLines(f)) {
          String entry = line.strip();
          if (entry.isEmpty() || entry.startsWith("#") || entry.startsWith("@")) {
            continue;
          }
          if (entry.startsWith("(")) {
            entry = entry.substring(entry.indexOf(')') + 1);
          }
          for (String variant : expand(entry)) {
            demoGrams.addAll(fourGrams(variant));
          }
        }
      }
    }
  }

  @Test
  void theCheckSeesTheDemoBanks() {
    // The demo's own generic-assistant markers must be found, or the disjointness below proves nothing.
    assertTrue(demoGrams.size() > 5000, demoGrams.size() + " 4-grams");
    assertTrue(demoGrams.contains("i hope this helps"));
    assertTrue(demoGrams.contains("as an ai language"));
    // Expanded alternatives: "I'm a captain someone wrote, brought to life by a [small|little] language model."
    assertTrue(demoGrams.contains("by a little language"));
    assertEquals(1, shared("Sure thing. I hope this helps, friend.").size(), "a shared sequence is reported");
    assertFalse(fourGrams("Nice to see you, {nick} and friends").contains("see you and friends"), "a slot ends a sequence");
  }

  @Test
  void noFourWordSequenceOfTheReplyBankIsInTheDemoBanks() {
    List<String> offending = new ArrayList<>();
    for (Exchange e : ContrastBank.bundled().genericReplies()) {
      offending.addAll(shared(e.reply()));
    }
    assertEquals(List.of(), offending);
  }

  @Test
  void noFourWordSequenceOfTheContrastPersonasInVoiceTextsIsInTheDemoBanks() {
    List<String> offending = new ArrayList<>();
    ContrastBank bank = ContrastBank.bundled();
    for (Persona p : bank.contrastPersonas()) {
      for (Exchange e : bank.inVoice(p, "User")) {
        shared(e.reply()).forEach(g -> offending.add(p.name() + ": " + g));
      }
    }
    assertEquals(List.of(), offending);
  }

  private static List<String> shared(String text) {
    List<String> out = new ArrayList<>();
    for (String gram : new TreeSet<>(fourGrams(text))) {
      if (demoGrams.contains(gram)) {
        out.add("\"" + gram + "\" in: " + text);
      }
    }
    return out;
  }

  static Set<String> fourGrams(String text) {
    String marked = text.toLowerCase(Locale.ROOT).replaceAll("\\{[a-z_]+}", " " + SLOT + " ");
    StringBuilder kept = new StringBuilder(marked.length());
    marked.codePoints()
        .filter(c -> Character.isLetterOrDigit(c) || Character.isWhitespace(c) || c == SLOT.charAt(0))
        .forEach(kept::appendCodePoint);
    String[] words = kept.toString().trim().split("\\s+");
    Set<String> out = new HashSet<>();
    for (int i = 0; i + 4 <= words.length; i++) {
      List<String> gram = List.of(words).subList(i, i + 4);
      if (!gram.contains(SLOT)) {
        out.add(String.join(" ", gram));
      }
    }
    return out;
  }

  /** Every text a template line can produce: each {@code [a|b|c]} group replaced by each alternative. */
  static List<String> expand(String template) {
    int open = template.indexOf('[');
    if (open < 0) {
      return List.of(template);
    }
    int close = template.indexOf(']', open);
    List<String> out = new ArrayList<>();
    for (String choice : template.substring(open + 1, close).split("\\|", -1)) {
      out.addAll(expand(template.substring(0, open) + choice + template.substring(close + 1)));
    }
    return out;
  }
}
