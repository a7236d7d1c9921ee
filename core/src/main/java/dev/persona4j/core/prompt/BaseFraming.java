package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.persona.ExampleDialogue;
import dev.persona4j.core.persona.LoreEntry;
import dev.persona4j.core.persona.LorePosition;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.Speaker;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Framing for a base model (one without a chat template): a document whose most natural continuation is
 * the character's next line.
 *
 * <pre>
 * The following is a transcript of a role-play conversation between Sam and Mara. Mara is a fictional
 * character, written by people and voiced by a language model, and stays in character throughout.
 *
 * # Mara
 * ... the character definition, lore before and after it ...
 *
 * ## Example exchanges
 * Sam: ...
 * Mara: ...
 * ***
 * Sam: ...
 * Mara: ...
 *
 * ## Transcript
 * Sam: ...
 * Mara: ...
 * Sam: ...
 * Mara:</pre>
 *
 * <p>The prompt ends with the character's name and a colon and no space, so the model's first token
 * carries the space as ordinary text does. A base model that has written the character's line goes on
 * to write the next speaker's label, starts another example block, or starts a new section: the stop
 * strings are exactly those ({@code "\nSam:"}, {@code "\nMara:"}, the full name's label,
 * {@code "\n***"}, {@code "\n## "}).
 */
record BaseFraming(String introduction, String exampleSeparator) {
  private static final String DEFAULT_INTRODUCTION =
      "The following is a transcript of a role-play conversation between {{user}} and {{char}}. {{char}} is a "
          + "fictional character, written by people and voiced by a language model, and stays in character "
          + "throughout.";
  /** The framing shown above. */
  static final BaseFraming STANDARD = new BaseFraming(DEFAULT_INTRODUCTION, "***");

  /** The introduction is the text above the transcript; the separator, the line between example exchanges. */
  BaseFraming {
    Objects.requireNonNull(introduction, "introduction");
    Objects.requireNonNull(exampleSeparator, "exampleSeparator");
    if (exampleSeparator.isBlank() || exampleSeparator.contains("\n")) {
      throw new IllegalArgumentException("the example separator must be one non-blank line");
    }
  }

  /** The stop strings the framing implies for this persona and user. */
  List<String> stopStrings(Persona persona, String userName) {
    Set<String> out = new LinkedHashSet<>();
    out.add("\n" + userName + ":");
    out.add("\n" + persona.charName() + ":");
    out.add("\n" + persona.name() + ":");
    out.add("\n" + exampleSeparator);
    out.add("\n## ");
    return List.copyOf(out);
  }

  /** The document, piece by piece. */
  List<Piece> render(Persona persona, PersonaText text, DefinitionStyle style, List<ExampleDialogue> examples,
      List<LoreEntry> lore, List<Turn> history) {
    List<Piece> out = new ArrayList<>();
    String intro = persona.resolvePlaceholders(introduction, text.userName(), null).strip();
    if (!persona.systemPrompt().isBlank()) {
      // The card's system prompt replaces the framing text; {{original}} keeps it.
      intro = persona.resolvePlaceholders(persona.systemPrompt(), text.userName(), intro).strip();
    }
    out.add(new Piece(Section.Kind.PERSONA_DEFINITION, intro));
    List<LoreEntry> before = lore.stream().filter(e -> e.position() == LorePosition.BEFORE_CHAR).toList();
    List<LoreEntry> after = lore.stream().filter(e -> e.position() == LorePosition.AFTER_CHAR).toList();
    if (!before.isEmpty()) {
      out.add(new Piece(Section.Kind.LORE, "\n\n" + text.lore(before)));
    }
    String definition = style == DefinitionStyle.COMPACT ? text.compactDefinition() : text.definition();
    out.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n\n" + definition));
    if (!after.isEmpty()) {
      out.add(new Piece(Section.Kind.LORE, "\n\n" + text.lore(after)));
    }
    if (!examples.isEmpty()) {
      out.add(new Piece(Section.Kind.EXAMPLES,
          "\n\n## Example exchanges\n" + text.exchanges(examples, "\n" + exampleSeparator + "\n")));
    }
    if (!text.extraInstructions().isEmpty()) {
      out.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n\n" + text.extraInstructions()));
    }
    out.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n\n## Transcript"));
    for (Turn t : history) {
      String name = t.speaker() == Speaker.USER ? text.userName() : text.charName();
      out.add(new Piece(Section.Kind.HISTORY, "\n" + name + ": " + t.text().strip()));
    }
    String post = text.postHistoryInstructions();
    if (!post.isEmpty()) {
      out.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n[" + post + "]"));
    }
    out.add(new Piece(Section.Kind.GENERATION_PROMPT, "\n" + text.charName() + ":"));
    return out;
  }
}
