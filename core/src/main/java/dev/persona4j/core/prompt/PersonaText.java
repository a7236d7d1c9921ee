package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Boundary;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.persona.ExampleDialogue;
import dev.persona4j.core.persona.LoreEntry;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.Speaker;
import dev.persona4j.core.persona.Trait;
import dev.persona4j.core.persona.Voice;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The persona as prompt text, placeholders resolved: the instructions, the character definition, lore
 * blocks, example exchanges and post-history instructions.
 */
final class PersonaText {
  private final Persona persona;
  private final String charName;
  private final String userName;
  private final String extraInstructions;

  PersonaText(Persona persona, String userName, String extraInstructions) {
    this.persona = persona;
    this.charName = persona.charName();
    this.userName = userName;
    this.extraInstructions = extraInstructions;
  }

  /** The application's instructions for the conversation ({@link Conversation#instructions()}), as given. */
  String extraInstructions() {
    return extraInstructions;
  }

  String charName() {
    return charName;
  }

  String userName() {
    return userName;
  }

  private String resolve(String text) {
    return persona.resolvePlaceholders(text, userName, null).strip();
  }

  /**
   * The default instructions: the character presented honestly as a character, never as an assistant.
   */
  String defaultInstructions() {
    String c = charName;
    return "You are playing " + c + ", a character, in a conversation with " + userName + ". Stay in character: "
        + "reply as " + c + " would, in " + c + "'s own voice, and write only " + c + "'s side of the "
        + "conversation. You know you are a character written by people and voiced by a language model; if "
        + userName + " sincerely asks, say so in character rather than claim to be a real person, and never "
        + "present yourself as an AI assistant.";
  }

  /** The persona's system prompt with {@code {{original}}} standing for the default, or the default. */
  String instructions() {
    return withSystemPrompt(defaultInstructions());
  }

  /** The compact sketch, or the persona's system prompt with {@code {{original}}} standing for it. */
  String compactInstructions() {
    return withSystemPrompt(compactDefinition());
  }

  private String withSystemPrompt(String original) {
    if (persona.systemPrompt().isBlank()) {
      return original;
    }
    return persona.resolvePlaceholders(persona.systemPrompt(), userName, original).strip();
  }

  /**
   * The compact definition ({@link DefinitionStyle#COMPACT}): who the character is, the first sentence
   * of the personality and of the voice style, and the catchphrases, in a few dozen tokens.
   */
  String compactDefinition() {
    StringBuilder sb = new StringBuilder("You are ").append(charName);
    if (!charName.equals(persona.name())) {
      sb.append(" (").append(persona.name()).append(')');
    }
    sb.append(", a character talking with ").append(userName).append('.');
    String personality = firstSentence(resolve(persona.personality()));
    if (!personality.isEmpty()) {
      sb.append("\nPersonality: ").append(personality);
    }
    String style = firstSentence(resolve(persona.voice().style()));
    if (!style.isEmpty()) {
      sb.append("\nVoice: ").append(style);
    }
    if (!persona.voice().catchphrases().isEmpty()) {
      sb.append("\nCatchphrases: ").append(join(persona.voice().catchphrases(), " ", true));
    }
    sb.append("\nStay in character as ").append(charName).append('.');
    return sb.toString();
  }

  /** Up to and including the first sentence end followed by a space or the end, whitespace collapsed. */
  static String firstSentence(String text) {
    String t = text.replaceAll("\\s+", " ").strip();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if ((c == '.' || c == '!' || c == '?') && (i + 1 == t.length() || t.charAt(i + 1) == ' ')) {
        return t.substring(0, i + 1);
      }
    }
    return t;
  }

  /** Post-history instructions ({@code {{original}}} stands for nothing: there is no default). */
  String postHistoryInstructions() {
    return persona.resolvePlaceholders(persona.postHistoryInstructions(), userName, "").strip();
  }

  /** The character definition: identity, self-knowledge, description, traits, voice, values, boundaries, scenario. */
  String definition() {
    StringBuilder sb = new StringBuilder("# ").append(charName);
    if (!charName.equals(persona.name())) {
      sb.append("\nFull name: ").append(persona.name());
    }
    section(sb, "Identity", resolve(persona.identity()));
    section(sb, "Self-knowledge", resolve(persona.selfKnowledge()));
    section(sb, "Description", resolve(persona.description()));
    section(sb, "Personality", resolve(persona.personality()));
    if (!persona.traits().isEmpty()) {
      StringBuilder t = new StringBuilder();
      for (Trait trait : persona.traits()) {
        if (t.length() > 0) {
          t.append('\n');
        }
        t.append("- ").append(resolve(trait.name()));
        String def = resolve(trait.definition());
        if (!def.isEmpty()) {
          t.append(": ").append(def);
        }
        for (String ex : trait.examples()) {
          t.append("\n  For example: \"").append(resolve(ex)).append('"');
        }
      }
      section(sb, "Traits", t.toString());
    }
    Voice v = persona.voice();
    if (!v.isEmpty()) {
      StringBuilder t = new StringBuilder();
      line(t, "Style: ", resolve(v.style()));
      line(t, "Words " + charName + " uses: ", join(v.vocabulary(), ", ", false));
      line(t, "Catchphrases: ", join(v.catchphrases(), "; ", true));
      line(t, charName + " never says: ", join(v.avoid(), "; ", true));
      section(sb, "Voice", t.toString());
    }
    if (!persona.values().isEmpty()) {
      section(sb, "Values", persona.values().stream().map(s -> "- " + resolve(s)).collect(Collectors.joining("\n")));
    }
    if (!persona.boundaries().isEmpty()) {
      StringBuilder t = new StringBuilder(charName + " declines these topics, in character:");
      for (Boundary b : persona.boundaries()) {
        t.append("\n- ").append(resolve(b.topic())).append(": \"").append(resolve(b.response())).append('"');
      }
      section(sb, "Boundaries", t.toString());
    }
    section(sb, "Scenario", resolve(persona.scenario()));
    return sb.toString();
  }

  /** A lore block: the entries' content, one paragraph each. */
  String lore(List<LoreEntry> entries) {
    return "## Lore\n" + entries.stream().map(e -> resolve(e.content())).filter(s -> !s.isEmpty())
        .collect(Collectors.joining("\n"));
  }

  /** Example exchanges as a transcript with the real names, blank line between exchanges. */
  String exchanges(List<ExampleDialogue> dialogues, String separator) {
    return dialogues.stream().map(this::exchange).collect(Collectors.joining(separator));
  }

  String exchange(ExampleDialogue d) {
    return d.lines().stream().map(this::line).collect(Collectors.joining("\n"));
  }

  private String line(Turn l) {
    return (l.speaker() == Speaker.USER ? userName : charName) + ": " + resolve(l.text());
  }

  private static void section(StringBuilder sb, String title, String body) {
    if (!body.isEmpty()) {
      sb.append("\n\n## ").append(title).append('\n').append(body);
    }
  }

  private static void line(StringBuilder sb, String label, String value) {
    if (!value.isEmpty()) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(label).append(value);
    }
  }

  private String join(List<String> items, String sep, boolean quote) {
    return items.stream().map(this::resolve).map(s -> quote ? "\"" + s + "\"" : s).collect(Collectors.joining(sep));
  }
}
