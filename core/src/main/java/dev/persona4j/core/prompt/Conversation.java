package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.persona.PersonaFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The conversation so far between the user and the character, oldest turn first, and any instructions
 * the application adds to the persona's for this conversation ({@link #withInstructions}). Immutable.
 */
public final class Conversation {
  private static final Conversation EMPTY = new Conversation(List.of(), "");
  private final List<Turn> turns;
  private final String instructions;

  private Conversation(List<Turn> turns, String instructions) {
    this.turns = List.copyOf(turns);
    this.instructions = instructions;
  }

  public static Conversation empty() {
    return EMPTY;
  }

  public static Conversation of(List<Turn> turns) {
    return new Conversation(Objects.requireNonNull(turns, "turns"), "");
  }

  public static Conversation of(Turn... turns) {
    return new Conversation(List.of(turns), "");
  }

  /**
   * Loads a conversation file (YAML or JSON by extension): a list of {@code {role, content}} messages, or
   * an object with a {@code messages} list; roles are {@code user} and {@code character}.
   *
   * @throws dev.persona4j.core.persona.PersonaFormatException naming the file, field path, line and column
   */
  public static Conversation load(Path file) {
    return fromLines(PersonaFiles.loadConversation(file));
  }

  /** Parses conversation text; see {@link #load}. */
  public static Conversation parse(String text, PersonaFiles.Format format) {
    return fromLines(PersonaFiles.parseConversation(text, format, "<string>"));
  }

  private static Conversation fromLines(List<Turn> lines) {
    List<Turn> turns = new ArrayList<>(lines.size());
    for (Turn l : lines) {
      turns.add(new Turn(l.speaker(), l.text()));
    }
    return new Conversation(turns, "");
  }

  public List<Turn> turns() {
    return turns;
  }

  public int size() {
    return turns.size();
  }

  public boolean isEmpty() {
    return turns.isEmpty();
  }

  public Optional<Turn> last() {
    return turns.isEmpty() ? Optional.empty() : Optional.of(turns.get(turns.size() - 1));
  }

  /** This conversation with {@code turn} appended. */
  public Conversation with(Turn turn) {
    Objects.requireNonNull(turn, "turn");
    List<Turn> next = new ArrayList<>(turns);
    next.add(turn);
    return new Conversation(next, instructions);
  }

  /**
   * The application's instructions for this conversation (e.g. a chat framework's system message); empty
   * when there are none.
   */
  public String instructions() {
    return instructions;
  }

  /**
   * This conversation with the application's instructions, replacing any it had: they go at the end of
   * the prompt's system part, after the persona's own instructions, definition and examples, are always
   * kept within the token budget, and are used as they are (no placeholders resolved). Blank text
   * removes them.
   */
  public Conversation withInstructions(String instructions) {
    Objects.requireNonNull(instructions, "instructions");
    return new Conversation(turns, instructions.strip());
  }

  /** This conversation with a user turn appended. */
  public Conversation withUser(String text) {
    return with(Turn.user(text));
  }

  /** This conversation with a character turn appended. */
  public Conversation withCharacter(String text) {
    return with(Turn.character(text));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Conversation c && turns.equals(c.turns) && instructions.equals(c.instructions);
  }

  @Override
  public int hashCode() {
    return 31 * turns.hashCode() + instructions.hashCode();
  }

  @Override
  public String toString() {
    return "Conversation{" + turns.size() + " turns" + (instructions.isEmpty() ? "" : ", with instructions") + "}";
  }
}
