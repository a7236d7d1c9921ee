package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.persona.ExampleDialogue;
import dev.persona4j.core.persona.LoreEntry;
import dev.persona4j.core.persona.LorePosition;
import dev.persona4j.core.persona.Speaker;
import dev.persona4j.tokenizers.ChatMessage;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.TemplateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The chat-template path: a system message holding the instructions, lore, the character definition and
 * the example exchanges, then the conversation as user/assistant turns, then the template's generation
 * prompt.
 *
 * <p>Example exchanges go inside the system message, as a clearly labelled transcript with the real names,
 * rather than as prior user/assistant turns: many templates insist on strict user/assistant alternation
 * and examples need not alternate (two character lines in a row, or a character opening); turns would
 * read to the model as things that happened in this conversation (it would answer them, or greet twice);
 * and inside the system text they are trimmed as whole exchanges without disturbing the turn structure.
 *
 * <p>Templates differ in what they accept, so layouts are tried in order until one renders with every
 * message present: (1) a system message and the turns as they are; (2) no system role, consecutive turns
 * of one speaker merged, the system text leading the first user message (or forming one when the
 * character speaks first), which satisfies templates without a system role or with strict alternation.
 *
 * <p>Token attribution: each message is rendered with a unique marker as its content, so the template's
 * own text between messages is known exactly; it counts towards the message it follows (towards the first
 * message when it precedes all), and whatever follows the last message is the generation prompt. A
 * template whose output depends on the content itself is attributed by finding each message's content in
 * its real output; a layout in which some message's content does not appear counts as rejected.
 */
final class ChatFraming {
  private final ChatTemplate template;
  private final String bosToken;
  private final String eosToken;

  ChatFraming(ChatTemplate template, String bosToken, String eosToken) {
    this.template = template;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
  }

  private record Message(String role, List<Piece> pieces) {
    String content() {
      return Tokenization.text(pieces);
    }

    Section.Kind frame() {
      Section.Kind k = pieces.get(0).kind();
      return k == Section.Kind.HISTORY ? k : Section.Kind.PERSONA_DEFINITION;
    }
  }

  List<Piece> render(PersonaText text, DefinitionStyle style, List<ExampleDialogue> examples, List<LoreEntry> lore,
      List<Turn> history, Turn latestUser) {
    List<Piece> system = new ArrayList<>();
    boolean compact = style == DefinitionStyle.COMPACT;
    system.add(new Piece(Section.Kind.PERSONA_DEFINITION, compact ? text.compactInstructions() : text.instructions()));
    List<LoreEntry> before = lore.stream().filter(e -> e.position() == LorePosition.BEFORE_CHAR).toList();
    List<LoreEntry> after = lore.stream().filter(e -> e.position() == LorePosition.AFTER_CHAR).toList();
    if (!before.isEmpty()) {
      system.add(new Piece(Section.Kind.LORE, "\n\n" + text.lore(before)));
    }
    if (!compact) {
      system.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n\n" + text.definition()));
    }
    if (!after.isEmpty()) {
      system.add(new Piece(Section.Kind.LORE, "\n\n" + text.lore(after)));
    }
    if (!examples.isEmpty()) {
      system.add(new Piece(Section.Kind.EXAMPLES, "\n\n## Example exchanges\nThese show how " + text.charName()
          + " talks; they are not part of this conversation.\n\n" + text.exchanges(examples, "\n\n")));
    }
    if (!text.extraInstructions().isEmpty()) {
      system.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n\n" + text.extraInstructions()));
    }

    List<Message> turns = new ArrayList<>();
    for (Turn t : history) {
      turns.add(new Message(role(t.speaker()), List.of(new Piece(Section.Kind.HISTORY, t.text().strip()))));
    }
    if (latestUser != null) {
      List<Piece> pieces = new ArrayList<>();
      pieces.add(new Piece(Section.Kind.HISTORY, latestUser.text().strip()));
      String post = text.postHistoryInstructions();
      if (!post.isEmpty()) {
        pieces.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n\n" + post));
      }
      turns.add(new Message("user", pieces));
    }

    List<Message> withSystem = new ArrayList<>();
    withSystem.add(new Message("system", system));
    withSystem.addAll(turns);
    TemplateException first;
    try {
      return renderLayout(withSystem);
    } catch (TemplateException e) {
      if (e.limitReached()) {
        throw e; // no other layout renders within the limits either
      }
      first = e;
    }
    try {
      return renderLayout(foldedSystem(system, turns));
    } catch (TemplateException e) {
      throw new PromptException("the chat template rejects the conversation with a system message ("
          + first.getMessage() + ") and without one (" + e.getMessage() + ")", first);
    }
  }

  private static String role(Speaker speaker) {
    return speaker == Speaker.USER ? "user" : "assistant";
  }

  /** Layout 2: no system role, consecutive same-role turns merged, system text leading the first user turn. */
  private static List<Message> foldedSystem(List<Piece> system, List<Message> turns) {
    List<Message> merged = new ArrayList<>();
    for (Message m : turns) {
      Message last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && last.role().equals(m.role())) {
        List<Piece> pieces = new ArrayList<>(last.pieces());
        pieces.add(new Piece(m.pieces().get(0).kind(), "\n\n"));
        pieces.addAll(m.pieces());
        merged.set(merged.size() - 1, new Message(m.role(), pieces));
      } else {
        merged.add(m);
      }
    }
    List<Message> out = new ArrayList<>();
    if (!merged.isEmpty() && merged.get(0).role().equals("user")) {
      List<Piece> pieces = new ArrayList<>(system);
      pieces.add(new Piece(Section.Kind.PERSONA_DEFINITION, "\n\n"));
      pieces.addAll(merged.get(0).pieces());
      out.add(new Message("user", pieces));
      out.addAll(merged.subList(1, merged.size()));
    } else {
      out.add(new Message("user", system));
      out.addAll(merged);
    }
    return out;
  }

  /**
   * Renders one layout; throws TemplateException when the template rejects it or leaves out a message.
   */
  private List<Piece> renderLayout(List<Message> messages) {
    String nonce = Long.toHexString(ThreadLocalRandom.current().nextLong());
    List<ChatMessage> marked = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      marked.add(new ChatMessage(messages.get(i).role(), marker(nonce, i)));
    }
    String skeleton = template.render(marked, true, bosToken, eosToken);
    List<ChatMessage> real = new ArrayList<>();
    for (Message msg : messages) {
      real.add(new ChatMessage(msg.role(), msg.content()));
    }
    String rendered = template.render(real, true, bosToken, eosToken);

    int[] at = new int[messages.size()];
    int from = 0;
    boolean markersFound = true;
    for (int i = 0; i < messages.size() && markersFound; i++) {
      String m = marker(nonce, i);
      at[i] = skeleton.indexOf(m, from);
      markersFound = at[i] >= 0 && skeleton.indexOf(m, at[i] + m.length()) < 0;
      from = at[i] + m.length();
    }
    if (markersFound) {
      List<Piece> out = new ArrayList<>();
      int cursor = 0;
      for (int i = 0; i < messages.size(); i++) {
        Message msg = messages.get(i);
        Section.Kind scaffold = i == 0 ? msg.frame() : messages.get(i - 1).frame();
        out.add(new Piece(scaffold, skeleton.substring(cursor, at[i])));
        out.addAll(msg.pieces());
        cursor = at[i] + marker(nonce, i).length();
      }
      out.add(new Piece(Section.Kind.GENERATION_PROMPT, skeleton.substring(cursor)));
      if (rendered.equals(Tokenization.text(out))) {
        return out;
      }
    }
    // The template looks at content rather than just passing it through: find the content in its output.
    return locateInRendering(rendered, messages);
  }

  /**
   * Attribution for templates that treat content differently from a placeholder: each message's content is
   * searched for in order in the real rendering.
   */
  private static List<Piece> locateInRendering(String rendered, List<Message> messages) {
    List<Piece> out = new ArrayList<>();
    int cursor = 0;
    Section.Kind scaffold = messages.get(0).frame();
    for (int i = 0; i < messages.size(); i++) {
      Message msg = messages.get(i);
      int found = rendered.indexOf(msg.content(), cursor);
      if (found < 0) {
        throw new TemplateException("the template leaves out or changes message " + i + " (" + msg.role() + ")",
            false, -1);
      }
      out.add(new Piece(scaffold, rendered.substring(cursor, found)));
      out.addAll(msg.pieces());
      cursor = found + msg.content().length();
      scaffold = msg.frame();
    }
    out.add(new Piece(Section.Kind.GENERATION_PROMPT, rendered.substring(cursor)));
    return out;
  }

  private static String marker(String nonce, int i) {
    return "\u27E6p4j-" + nonce + "-" + i + "\u27E7";
  }
}
