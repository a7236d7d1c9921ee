package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.LoreEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An assembled prompt: its text, its token ids, which token ranges came from which part, the stop strings
 * its framing implies, and what the budget kept.
 */
public final class Prompt {
  private final String text;
  private final int[] ids;
  private final List<Section> sections;
  private final List<String> stopStrings;
  private final int historyTurnsKept;
  private final int historyTurnsDropped;
  private final int exampleDialoguesKept;
  private final List<LoreEntry> loreEntries;
  private final List<String> omitted;

  Prompt(String text, int[] ids, List<Section> sections, List<String> stopStrings, int historyTurnsKept,
      int historyTurnsDropped, int exampleDialoguesKept, List<LoreEntry> loreEntries, List<String> omitted) {
    this.text = Objects.requireNonNull(text);
    this.ids = ids.clone();
    this.sections = List.copyOf(sections);
    this.stopStrings = List.copyOf(stopStrings);
    this.historyTurnsKept = historyTurnsKept;
    this.historyTurnsDropped = historyTurnsDropped;
    this.exampleDialoguesKept = exampleDialoguesKept;
    this.loreEntries = List.copyOf(loreEntries);
    this.omitted = List.copyOf(omitted);
    int at = 0;
    for (Section s : this.sections) {
      if (s.start() != at) {
        throw new IllegalStateException("sections do not tile the prompt at token " + at + ": " + this.sections);
      }
      at = s.end();
    }
    if (at != ids.length) {
      throw new IllegalStateException("sections end at " + at + " but the prompt has " + ids.length + " tokens");
    }
  }

  /** The prompt text, as the model's tokenizer encodes it. */
  public String text() {
    return text;
  }

  /** The token ids (a copy). */
  public int[] ids() {
    return ids.clone();
  }

  /** Number of tokens. */
  public int size() {
    return ids.length;
  }

  /** Token ranges by origin, in order, covering {@code [0, size())} exactly. */
  public List<Section> sections() {
    return sections;
  }

  /** The sections of one kind, in order. */
  public List<Section> sections(Section.Kind kind) {
    List<Section> out = new ArrayList<>();
    for (Section s : sections) {
      if (s.kind() == kind) {
        out.add(s);
      }
    }
    return out;
  }

  /** Tokens of one kind, summed over its sections. */
  public int tokens(Section.Kind kind) {
    return sections(kind).stream().mapToInt(Section::length).sum();
  }

  /**
   * Strings that end the character's turn when they appear in its output (base-model framing: the next
   * speaker's label); empty for chat templates, whose end-of-turn tokens stop generation.
   */
  public List<String> stopStrings() {
    return stopStrings;
  }

  /** Conversation turns in the prompt (the latest user turn included). */
  public int historyTurnsKept() {
    return historyTurnsKept;
  }

  /** Oldest conversation turns left out to fit the budget. */
  public int historyTurnsDropped() {
    return historyTurnsDropped;
  }

  /** Example dialogues in the prompt. */
  public int exampleDialoguesKept() {
    return exampleDialoguesKept;
  }

  /** Lorebook entries in the prompt, in insertion order. */
  public List<LoreEntry> loreEntries() {
    return loreEntries;
  }

  /**
   * What the persona or conversation has that this prompt left out, and why: by the definition style
   * (a compact prompt carries no example dialogues or lore) or by the token budget, e.g.
   * {@code "2 example dialogue(s) (compact style)"}, {@code "lore entry The ship. (budget)"},
   * {@code "3 oldest history turn(s) (budget)"}. Empty when nothing was left out. Also logged at DEBUG.
   */
  public List<String> omitted() {
    return omitted;
  }

  @Override
  public String toString() {
    return "Prompt{" + ids.length + " tokens, " + sections + "}";
  }
}
