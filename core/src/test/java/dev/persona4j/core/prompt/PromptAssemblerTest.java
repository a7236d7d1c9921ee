package dev.persona4j.core.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.persona.CharacterCards;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.persona.ExampleDialogue;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.Resources;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PromptAssemblerTest {
  private static Tokenizer llama;
  private static Tokenizer qwen;
  private static Tokenizer gpt2;
  private static Tokenizer mistral;
  private static Persona mara;
  private static Conversation voyage;

  @BeforeAll
  static void load() {
    llama = Tokenizer.load(Resources.path("/tokenizers/llama/tokenizer.json"));
    qwen = Tokenizer.load(Resources.path("/tokenizers/qwen3/tokenizer.json"));
    gpt2 = Tokenizer.load(Resources.path("/tokenizers/gpt2/tokenizer.json"));
    mistral = Tokenizer.load(Resources.path("/tokenizers/mistral/tokenizer.json"));
    mara = PersonaFiles.load(Resources.path("/personas/mara.yaml"));
    voyage = Conversation.load(Resources.path("/conversations/voyage.yaml"));
  }

  @AfterAll
  static void close() {
    for (Tokenizer t : List.of(llama, qwen, gpt2, mistral)) {
      t.close();
    }
  }

  private static Tokenizer tokenizer(String name) {
    return switch (name) {
      case "llama" -> llama;
      case "qwen3" -> qwen;
      case "gpt2" -> gpt2;
      case "mistral" -> mistral;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static String decode(Tokenizer t, int[] ids, int from, int to) {
    return t.decode(Arrays.copyOfRange(ids, from, to), false);
  }

  /** Sections tile the ids, the ids are the text's encoding, and every boundary is a prefix of the text. */
  private static void assertExactSections(Tokenizer t, Prompt p, boolean specialTokensAdded) {
    int[] ids = p.ids();
    if (!specialTokensAdded) {
      assertArrayEquals(t.encode(p.text(), false), ids);
    }
    int at = 0;
    for (Section s : p.sections()) {
      assertEquals(at, s.start(), p.sections().toString());
      assertTrue(s.end() > s.start(), "no empty sections");
      at = s.end();
      String upTo = t.decode(Arrays.copyOf(ids, s.end()), false);
      if (!specialTokensAdded) {
        assertTrue(p.text().startsWith(upTo), "section end " + s.end() + " is a prefix of the text");
      }
    }
    assertEquals(ids.length, at);
    for (int i = 1; i < p.sections().size(); i++) {
      assertNotEquals(p.sections().get(i - 1).kind(), p.sections().get(i).kind(), "adjacent sections are merged");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen3", "mistral"})
  void chatPromptFromTheModelsTemplate(String model) {
    Tokenizer t = tokenizer(model);
    PromptAssembler assembler = PromptAssembler.forTokenizer(t);
    assertFalse(assembler.isBaseFraming());
    Prompt p = assembler.assemble(mara, voyage, "Sam", 100_000);
    assertExactSections(t, p, false);
    assertEquals(voyage.size(), p.historyTurnsKept());
    assertEquals(2, p.exampleDialoguesKept());
    assertEquals(List.of(), p.stopStrings());

    String text = p.text();
    // Honest framing, never an assistant.
    assertTrue(text.contains("You are playing Mara, a character, in a conversation with Sam."), text);
    assertTrue(text.contains("written by people and voiced by a language model"));
    assertFalse(text.contains("helpful assistant"), text);
    // The system prompt's {{original}} is the default instructions; placeholders are resolved.
    assertTrue(text.contains("present yourself as an AI assistant. Keep Mara's replies under a hundred words."), text);
    assertFalse(text.toLowerCase().contains("{{char}}") || text.toLowerCase().contains("{{user}}"), text);
    assertTrue(text.contains("If Sam sincerely asks, she says so plainly"));
    // Definition parts.
    for (String part : List.of("Full name: Captain Mara Vell", "- blunt: Says what she thinks without padding.",
        "For example: \"No.\"", "Style: Short, salty sentences", "Mara never says: \"As an AI language model\"",
        "- honesty over comfort", "- medical dosages: \"I'm a sailor, not a ship's surgeon.",
        "has just come aboard looking for passage", "Sam: Can you get me to Port Ardent by Friday?",
        "Mara: Friday? With this wind?", "Stay in Mara's voice.")) {
      assertTrue(text.contains(part), part);
    }
    // The latest user turn is the last thing before the generation prompt.
    Section gen = p.sections().get(p.sections().size() - 1);
    assertEquals(Section.Kind.GENERATION_PROMPT, gen.kind());
    String history = p.sections(Section.Kind.HISTORY).stream()
        .map(s -> decode(t, p.ids(), s.start(), s.end())).reduce("", String::concat);
    assertTrue(history.contains("black ink on the water"), history);
    assertTrue(history.contains("Depends who's been drinking."), history);
    String examples = decode(t, p.ids(), p.sections(Section.Kind.EXAMPLES).get(0).start(),
        p.sections(Section.Kind.EXAMPLES).get(0).end());
    assertTrue(examples.contains("Example exchanges") && examples.contains("Are you a real person?"), examples);
    assertFalse(examples.contains("kraken"));
  }

  @Test
  void chatmlLayoutIsTheTemplatesOwnRendering() {
    ChatTemplate chatml = ChatTemplate.compile(qwen.chatTemplate().orElseThrow());
    Conversation c = Conversation.of(Turn.user("Hello there."), Turn.character("Ahoy."), Turn.user("Where to?"));
    Prompt p = PromptAssembler.chat(qwen, chatml).assemble(mara, c, "Sam", 100_000);
    String text = p.text();
    assertTrue(text.startsWith("<|im_start|>system\nYou are playing Mara"), text);
    assertTrue(text.endsWith("<|im_start|>user\nHello there.<|im_end|>\n<|im_start|>assistant\nAhoy.<|im_end|>\n"
        + "<|im_start|>user\nWhere to?\n\nStay in Mara's voice.<|im_end|>\n<|im_start|>assistant\n"), text);
    Section gen = p.sections().get(p.sections().size() - 1);
    assertEquals("<|im_end|>\n<|im_start|>assistant\n", decode(qwen, p.ids(), gen.start(), gen.end()));
    // The latest user turn is history, its post-history instructions persona definition.
    List<Section> kinds = p.sections();
    assertEquals(Section.Kind.PERSONA_DEFINITION, kinds.get(kinds.size() - 2).kind());
    assertEquals(Section.Kind.HISTORY, kinds.get(kinds.size() - 3).kind());
  }

  @Test
  void conversationInstructionsEndTheSystemPartAndAreAlwaysKept() {
    ChatTemplate chatml = ChatTemplate.compile(qwen.chatTemplate().orElseThrow());
    PromptAssembler a = PromptAssembler.chat(qwen, chatml);
    Conversation plain = Conversation.of(Turn.user("Hello there."), Turn.character("Ahoy."), Turn.user("Where to?"));
    Conversation instructed = plain.withInstructions("  Answer in one short sentence.\n");
    assertEquals("Answer in one short sentence.", instructed.instructions());
    assertNotEquals(plain, instructed);
    assertEquals(plain, instructed.withInstructions(" "));
    assertEquals(instructed.withUser("x").instructions(), instructed.instructions(), "appending a turn keeps them");

    Prompt p = a.assemble(mara, instructed, "Sam", 100_000);
    String without = a.assemble(mara, plain, "Sam", 100_000).text();
    int systemEnd = without.indexOf("<|im_end|>");
    assertEquals(without.substring(0, systemEnd) + "\n\nAnswer in one short sentence." + without.substring(systemEnd),
        p.text(), "the instructions end the system message, the rest is unchanged");
    assertExactSections(qwen, p, false);
    // Under a budget that drops all history, they stay with the persona definition.
    int latestOnly = a.assemble(mara, Conversation.of(Turn.user("Where to?")).withInstructions("Answer in one short sentence."),
        "Sam", 100_000).size();
    Prompt tight = a.assemble(mara, instructed, "Sam", latestOnly);
    assertEquals(2, tight.historyTurnsDropped());
    assertTrue(tight.text().contains("Answer in one short sentence.<|im_end|>"), tight.text());

    // A base model's document carries them just above the transcript.
    Prompt base = PromptAssembler.forTokenizer(gpt2).assemble(mara, instructed, "Sam", 100_000);
    assertTrue(base.text().contains("\n\nAnswer in one short sentence.\n\n## Transcript\nSam: Hello there."), base.text());
    assertExactSections(gpt2, base, false);
  }

  @Test
  void strictTemplatesGetTheSystemTextFoldedIntoTheFirstUserTurn() {
    // voyage opens with the character's greeting, which llama's template refuses after a system message.
    Prompt p = PromptAssembler.forTokenizer(llama).assemble(mara, voyage, "Sam", 100_000);
    assertTrue(p.text().startsWith("<s>[INST] You are playing Mara"), p.text());
    assertTrue(p.text().contains("[/INST] Ahoy. You're the one wanting passage?"), p.text());
    // Without a leading greeting, the system message goes through the template's own system handling.
    Prompt withSystem = PromptAssembler.forTokenizer(llama)
        .assemble(mara, Conversation.of(Turn.user("Hello.")), "Sam", 100_000);
    assertTrue(withSystem.text().startsWith("<s>[INST] <<SYS>>\nYou are playing Mara"), withSystem.text());
    // An empty conversation: the character opens, and the persona is still there.
    Prompt opening = PromptAssembler.forTokenizer(llama).assemble(mara, Conversation.empty(), "Sam", 100_000);
    assertTrue(opening.text().contains("You are playing Mara"), opening.text());
    assertExactSections(llama, opening, false);
    assertEquals(0, opening.historyTurnsKept());
  }

  @Test
  void templatesThatLookAtContentAreAttributedFromTheirRealOutput() {
    // Marks questions: the template's output depends on the content, not just its position.
    ChatTemplate questions = ChatTemplate.compile("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}"
        + "{% if m['content'].endswith('?') %} (question){% endif %}</{{ m['role'] }}>\n{% endfor %}"
        + "{% if add_generation_prompt %}<assistant>{% endif %}");
    Persona plain = Persona.builder().name("Quill").description("A scribe.").build();
    Conversation c = Conversation.of(Turn.user("Hello."), Turn.character("Greetings."), Turn.user("Where to?"));
    Prompt p = PromptAssembler.chat(qwen, questions).assemble(plain, c, "Sam", 10_000);
    assertTrue(p.text().endsWith("<user>Where to? (question)</user>\n<assistant>"), p.text());
    assertExactSections(qwen, p, false);
    Section gen = p.sections().get(p.sections().size() - 1);
    assertEquals(" (question)</user>\n<assistant>", decode(qwen, p.ids(), gen.start(), gen.end()));
  }

  @Test
  void aTemplateThatRejectsEveryLayoutIsATypedError() {
    ChatTemplate picky = ChatTemplate.compile("{% for m in messages %}{% if m['role'] == 'user' %}"
        + "{{ raise_exception('this template takes no user messages') }}{% endif %}{% endfor %}");
    PromptException e = assertThrows(PromptException.class, () -> PromptAssembler.chat(qwen, picky)
        .assemble(mara, Conversation.of(Turn.user("hi")), "Sam", 10_000));
    assertTrue(e.getMessage().contains("this template takes no user messages"), e.getMessage());
  }

  @Test
  void placeholdersAreCaseInsensitiveAndUseTheNickname() {
    Persona p = Persona.builder().name("Bartholomew Quill").nickname("Bart")
        .scenario("{{Char}} meets {{USER}} at the docks. {{ char }} waves at {{user}}.").build();
    Prompt prompt = PromptAssembler.chat(qwen, ChatTemplate.compile(qwen.chatTemplate().orElseThrow()))
        .assemble(p, Conversation.of(Turn.user("hi")), "Ada", 10_000);
    assertTrue(prompt.text().contains("Bart meets Ada at the docks. Bart waves at Ada."), prompt.text());
    Persona noNick = p.toBuilder().nickname(null).build();
    Prompt plain = PromptAssembler.chat(qwen, ChatTemplate.compile(qwen.chatTemplate().orElseThrow()))
        .assemble(noNick, Conversation.of(Turn.user("hi")), "Ada", 10_000);
    assertTrue(plain.text().contains("Bartholomew Quill meets Ada at the docks."), plain.text());
  }

  @Test
  void foreignMacrosAreLeftAsTheyAre() {
    Persona seraphine = CharacterCards.read(Resources.path("/cards/seraphine-v2.json"));
    Prompt p = PromptAssembler.chat(qwen, ChatTemplate.compile(qwen.chatTemplate().orElseThrow()))
        .assemble(seraphine, Conversation.of(Turn.user("Hello?")), "Ada", 100_000);
    assertTrue(p.text().contains("curious, absent-minded, warm, {{random:cheerful,wistful}}"), p.text());
    assertTrue(p.text().contains("Seraphine is an elven alchemist"));
    // The card's system prompt replaces the default, which {{original}} brings back.
    assertTrue(p.text().contains("AI assistant.\nWrite Seraphine's next reply in a fictional roleplay."), p.text());
  }

  @Test
  void baseFramingEndsWithTheCharactersNameAndImpliesStopStrings() {
    PromptAssembler assembler = PromptAssembler.forTokenizer(gpt2);
    assertTrue(assembler.isBaseFraming());
    Prompt p = assembler.assemble(mara, voyage, "Sam", 100_000);
    String text = p.text();
    assertTrue(text.startsWith("The following is a transcript of a role-play conversation between Sam and Mara. "
        + "Mara is a fictional character, written by people and voiced by a language model"), text);
    assertTrue(text.endsWith("\n## Transcript\nMara: Ahoy. You're the one wanting passage? State your business."
        + "\nSam: I need to get to Port Ardent. I heard you sail past Kestrel Point."
        + "\nMara: Aye, we do. Lighthouse has been dark a while, mind."
        + "\nSam: Is it true there's a kraken in the bay?"
        + "\nMara: Depends who's been drinking."
        + "\nSam: A fisherman said he saw black ink on the water this morning."
        + "\n[Stay in Mara's voice.]"
        + "\nMara:"), text);
    assertTrue(text.contains("## Example exchanges\nSam: Can you get me to Port Ardent by Friday?\nMara: Friday?"));
    assertTrue(text.contains("\n***\nSam: Are you a real person?"));
    assertEquals(List.of("\nSam:", "\nMara:", "\nCaptain Mara Vell:", "\n***", "\n## "), p.stopStrings());
    assertExactSections(gpt2, p, false); // gpt2 adds no special tokens
    Section gen = p.sections().get(p.sections().size() - 1);
    assertEquals(Section.Kind.GENERATION_PROMPT, gen.kind());
    assertTrue("\nMara:".endsWith(decode(gpt2, p.ids(), gen.start(), gen.end())));
    // A base model's continuation after the prompt is the character's line; the user's label ends it.
    String continuation = " Ink, you say?\nSam: Yes.";
    String stop = p.stopStrings().stream().filter(continuation::contains).findFirst().orElseThrow();
    assertEquals(" Ink, you say?", continuation.substring(0, continuation.indexOf(stop)));
  }

  @Test
  void compactDefinitionIsAShortHonestSketchWithExactSections() {
    ChatTemplate chatml = ChatTemplate.compile(qwen.chatTemplate().orElseThrow());
    PromptAssembler full = PromptAssembler.chat(qwen, chatml);
    PromptAssembler compact = full.withDefinitionStyle(DefinitionStyle.COMPACT);
    assertEquals(DefinitionStyle.FULL, full.definitionStyle(), "FULL is the default");
    assertEquals(DefinitionStyle.COMPACT, compact.definitionStyle());
    assertTrue(full == full.withDefinitionStyle(DefinitionStyle.FULL));

    Prompt p = compact.assemble(mara, voyage, "Sam", 100_000);
    assertExactSections(qwen, p, false);
    String text = p.text();
    // The system prompt's {{original}} stands for the compact sketch; post-history instructions stay.
    assertTrue(text.startsWith("<|im_start|>system\nYou are Mara (Captain Mara Vell), a character talking with Sam.\n"
        + "Personality: Blunt, loyal, dry-humoured; distrusts anyone in a clean coat.\n"
        + "Voice: Short, salty sentences; nautical metaphors; never uses corporate phrasing.\n"
        + "Catchphrases: \"Steady as she goes.\"\n"
        + "Stay in character as Mara. Keep Mara's replies under a hundred words.<|im_end|>\n"), text);
    assertTrue(text.endsWith("<|im_start|>user\nA fisherman said he saw black ink on the water this morning.\n\n"
        + "Stay in Mara's voice.<|im_end|>\n<|im_start|>assistant\n"), text);
    // No examples and no lore (the conversation mentions the kraken, which triggers lore in FULL).
    assertEquals(0, p.exampleDialoguesKept());
    assertEquals(List.of(), p.loreEntries());
    assertEquals(0, p.tokens(Section.Kind.EXAMPLES) + p.tokens(Section.Kind.LORE));
    assertFalse(text.contains("## Identity") || text.contains("Example exchanges") || text.contains("kraken of"), text);
    Prompt whole = full.assemble(mara, voyage, "Sam", 100_000);
    assertFalse(whole.loreEntries().isEmpty(), "the full prompt has the triggered lore");
    // What the compact style left out is recorded, not silently dropped.
    List<String> leftOut = new java.util.ArrayList<>(List.of("2 example dialogue(s) (compact style)"));
    whole.loreEntries().forEach(e -> leftOut.add("lore entry " + e.label() + " (compact style)"));
    assertEquals(leftOut, p.omitted());
    assertEquals(List.of(), whole.omitted());
    assertEquals(whole.tokens(Section.Kind.HISTORY), p.tokens(Section.Kind.HISTORY), "history is the same");
    int compactDefinition = p.tokens(Section.Kind.PERSONA_DEFINITION);
    int fullDefinition = whole.tokens(Section.Kind.PERSONA_DEFINITION) + whole.tokens(Section.Kind.EXAMPLES);
    assertTrue(compactDefinition * 3 < fullDefinition, compactDefinition + " vs " + fullDefinition);
    // The sketch is one section: decoding it gives the system message back.
    Section first = p.sections().get(0);
    assertEquals(Section.Kind.PERSONA_DEFINITION, first.kind());
    assertTrue(decode(qwen, p.ids(), first.start(), first.end()).contains("Stay in character as Mara."));
  }

  @Test
  void compactDefinitionTakesFirstSentencesAndWorksForBaseModels() {
    Persona quill = Persona.builder().name("Quill")
        .personality("Precise and dry.  Secretly   sentimental about ink.")
        .voice(new dev.persona4j.core.persona.Voice("Clipped sentences! Dry wit, no slang.", List.of("quill"),
            List.of("Ink dries.", "Next line."), List.of()))
        .build();
    PromptAssembler base = PromptAssembler.forTokenizer(gpt2).withDefinitionStyle(DefinitionStyle.COMPACT);
    Prompt p = base.assemble(quill, Conversation.of(Turn.user("Hello.")), "Ada", 10_000);
    assertExactSections(gpt2, p, false);
    assertTrue(p.text().contains("\n\nYou are Quill, a character talking with Ada.\nPersonality: Precise and dry.\n"
        + "Voice: Clipped sentences!\nCatchphrases: \"Ink dries.\" \"Next line.\"\nStay in character as Quill."
        + "\n\n## Transcript\nAda: Hello.\nQuill:"), p.text());
    assertFalse(p.text().contains("sentimental") || p.text().contains("Dry wit"), p.text());
    // A persona with nothing but a name still gets an honest sketch.
    Prompt bare = PromptAssembler.chat(qwen, ChatTemplate.compile(qwen.chatTemplate().orElseThrow()))
        .withDefinitionStyle(DefinitionStyle.COMPACT)
        .assemble(Persona.builder().name("Nobody").build(), Conversation.of(Turn.user("hi")), "Ada", 10_000);
    assertTrue(bare.text().startsWith("<|im_start|>system\nYou are Nobody, a character talking with Ada.\n"
        + "Stay in character as Nobody.<|im_end|>"), bare.text());
    assertThrows(NullPointerException.class, () -> base.withDefinitionStyle(null));
  }

  @Test
  void baseFramingAddsTheTokenizersBosButNoEos() {
    Prompt p = PromptAssembler.base(llama).assemble(mara, voyage, "Sam", 100_000);
    int[] ids = p.ids();
    int bos = llama.bosTokenId().orElseThrow();
    assertEquals(bos, ids[0]);
    assertFalse(llama.eosTokenIds().contains(ids[ids.length - 1]));
    int[] plain = llama.encode(p.text(), false);
    assertArrayEquals(plain, Arrays.copyOfRange(ids, ids.length - plain.length, ids.length));
    assertExactSections(llama, p, true);
    assertEquals(Section.Kind.PERSONA_DEFINITION, p.sections().get(0).kind(), "the BOS belongs to the first section");
  }

  @Test
  void budgetDropsOldestHistoryThenExamplesThenFails() {
    PromptAssembler a = PromptAssembler.chat(qwen, ChatTemplate.compile(qwen.chatTemplate().orElseThrow()));
    Persona persona = mara.toBuilder().lorebook(null).exampleDialogues(List.of(
        ExampleDialogue.of(Turn.user("First example question?"), Turn.character("First example answer.")),
        ExampleDialogue.of(Turn.user("Second example question?"), Turn.character("Second example answer.")),
        ExampleDialogue.of(Turn.user("Third example question?"), Turn.character("Third example answer."))))
        .build();
    List<Turn> turns = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      turns.add(Turn.user("User message number " + i + "."));
      turns.add(Turn.character("Character reply number " + i + "."));
    }
    turns.add(Turn.user("The latest question."));
    Conversation conversation = Conversation.of(turns);

    Prompt full = a.assemble(persona, conversation, "Sam", 100_000);
    assertEquals(17, full.historyTurnsKept());
    assertEquals(0, full.historyTurnsDropped());

    // One token short: the oldest turn goes, nothing else.
    Prompt trimmed = a.assemble(persona, conversation, "Sam", full.size() - 1);
    assertTrue(trimmed.size() <= full.size() - 1);
    assertEquals(1, trimmed.historyTurnsDropped());
    assertEquals(3, trimmed.exampleDialoguesKept());
    assertFalse(trimmed.text().contains("User message number 1."), "the oldest turn is gone");
    assertTrue(trimmed.text().contains("Character reply number 1."), "the next oldest stays");
    assertExactSections(qwen, trimmed, false);

    // Exactly the size without history: every history turn dropped, all examples kept.
    int noHistory = a.assemble(persona, Conversation.of(Turn.user("The latest question.")), "Sam", 100_000).size();
    Prompt onlyLatest = a.assemble(persona, conversation, "Sam", noHistory);
    assertEquals(16, onlyLatest.historyTurnsDropped());
    assertEquals(1, onlyLatest.historyTurnsKept());
    assertEquals(3, onlyLatest.exampleDialoguesKept());
    assertTrue(onlyLatest.text().contains("The latest question."));

    // Below that, examples go, the last first.
    Prompt fewerExamples = a.assemble(persona, conversation, "Sam", noHistory - 1);
    assertEquals(2, fewerExamples.exampleDialoguesKept());
    assertTrue(fewerExamples.text().contains("First example answer."));
    assertFalse(fewerExamples.text().contains("Third example answer."));

    Persona bare = persona.toBuilder().exampleDialogues(List.of()).build();
    int minimum = a.assemble(bare, Conversation.of(Turn.user("The latest question.")), "Sam", 100_000).size();
    Prompt smallest = a.assemble(persona, conversation, "Sam", minimum);
    assertEquals(0, smallest.exampleDialoguesKept());
    assertEquals(minimum, smallest.size());
    assertEquals(0, smallest.tokens(Section.Kind.EXAMPLES));

    PromptException e = assertThrows(PromptException.class,
        () -> a.assemble(persona, conversation, "Sam", minimum - 1));
    assertTrue(e.getMessage().startsWith("the prompt needs at least " + minimum + " tokens in the FULL definition style"),
        e.getMessage());
    // The message says what would fit: this budget, or the compact style at the budget given.
    int compactMinimum = a.withDefinitionStyle(DefinitionStyle.COMPACT)
        .assemble(bare, Conversation.of(Turn.user("The latest question.")), "Sam", 100_000).size();
    assertTrue(e.getMessage().endsWith("but the token budget is " + (minimum - 1) + ": raise the budget to " + minimum
        + ", or use the COMPACT definition style, which needs " + compactMinimum + " tokens"), e.getMessage());
    PromptException compact = assertThrows(PromptException.class,
        () -> a.withDefinitionStyle(DefinitionStyle.COMPACT).assemble(persona, conversation, "Sam", compactMinimum - 1));
    assertTrue(compact.getMessage().endsWith(": raise the budget to " + compactMinimum), compact.getMessage());
    // Over the budget, what was dropped is recorded too.
    assertEquals(List.of("16 oldest history turn(s) (budget)", "1 example dialogue(s) (budget)"),
        fewerExamples.omitted());
  }

  @Test
  void loreIsInsertedAndDroppedByPriorityUnderTheBudget() {
    PromptAssembler a = PromptAssembler.chat(qwen, ChatTemplate.compile(qwen.chatTemplate().orElseThrow()));
    Prompt p = a.assemble(mara, voyage, "Sam", 100_000);
    // "kraken" (with "ink" as secondary) and the constant entry trigger; "Kestrel Point" is case-sensitive
    // and in a message older than scan_depth 4; "treasure" is disabled.
    List<String> lore = p.loreEntries().stream().map(e -> e.content()).toList();
    assertEquals(List.of("The Gull's Wager is a two-masted salvage schooner.",
        "The kraken of Vell Bay sprays black ink before it surfaces."), lore);
    String loreText = p.sections(Section.Kind.LORE).stream()
        .map(s -> decode(qwen, p.ids(), s.start(), s.end())).reduce("", String::concat);
    assertTrue(loreText.contains("two-masted salvage schooner") && loreText.contains("sprays black ink"), loreText);
    // Lore sits before the character definition (both entries are before_char).
    assertTrue(p.text().indexOf("sprays black ink") < p.text().indexOf("# Mara"));

    // Squeezed after history and examples are gone, the lowest-priority entry (kraken, 20) goes before the
    // constant one (100). The latest turn alone does not trigger the kraken: this is the size with the
    // constant entry only.
    Persona noExamples = mara.toBuilder().exampleDialogues(List.of()).build();
    Prompt constantOnly = a.assemble(noExamples, Conversation.of(voyage.last().orElseThrow()), "Sam", 100_000);
    assertEquals(1, constantOnly.loreEntries().size());
    Prompt squeezed = a.assemble(noExamples, voyage, "Sam", constantOnly.size());
    assertEquals(voyage.size() - 1, squeezed.historyTurnsDropped());
    assertEquals(List.of("The Gull's Wager is a two-masted salvage schooner."),
        squeezed.loreEntries().stream().map(e -> e.content()).toList());
    Prompt none = a.assemble(noExamples, voyage, "Sam", constantOnly.size() - 1);
    assertEquals(List.of(), none.loreEntries());
    assertEquals(0, none.tokens(Section.Kind.LORE));
  }

  @Test
  void invalidArgumentsAreRejectedAtTheBoundary() {
    PromptAssembler a = PromptAssembler.forTokenizer(qwen);
    assertThrows(IllegalArgumentException.class, () -> a.assemble(mara, voyage, " ", 100));
    assertThrows(IllegalArgumentException.class, () -> a.assemble(mara, voyage, "Sam", 0));
    assertThrows(NullPointerException.class, () -> a.assemble(null, voyage, "Sam", 100));
  }
}
