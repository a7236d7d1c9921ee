package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.persona.ExampleDialogue;
import dev.persona4j.core.persona.LoreEntry;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.Speaker;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.Tokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the prompt for the character's next turn from a persona, the conversation so far, the user's
 * name and a token budget, for a chat model (through its chat template) or a base model (through
 * {@link BaseFraming}).
 *
 * <p>Budget policy: the persona definition, the conversation's instructions and the latest user turn are always kept. When the prompt does
 * not fit, the oldest history turns go first, then example dialogues (whole exchanges, last first), then
 * lorebook entries (lowest priority first); if even the prompt with none of those does not fit, a
 * {@link PromptException} says how many tokens it needs. Lorebook entries are triggered by their
 * keys in the last {@code scan_depth} messages and kept within the lorebook's own token budget first.
 *
 * <p>Placeholders {@code {{char}}} (the nickname when set), {@code {{user}}} and {@code {{original}}} are
 * resolved in the persona's text, case-insensitively; other macros (from imported cards) are left as they
 * are, with a warning. The conversation's text is used as it is.
 *
 * <p>Instances are immutable and may be shared; the tokenizer must stay open while they are used.
 */
public final class PromptAssembler {
  private static final Logger log = LoggerFactory.getLogger(PromptAssembler.class);

  private final Tokenizer tokenizer;
  private final ChatFraming chat;
  private final BaseFraming base;
  private final Tokenization tokenization;
  private final DefinitionStyle definitionStyle;

  private PromptAssembler(Tokenizer tokenizer, ChatFraming chat, BaseFraming base, DefinitionStyle definitionStyle) {
    this.tokenizer = tokenizer;
    this.chat = chat;
    this.base = base;
    this.definitionStyle = definitionStyle;
    // A chat template writes its own BOS into the text (as transformers' apply_chat_template does); plain
    // text gets the special tokens the tokenizer adds.
    this.tokenization = new Tokenization(tokenizer, chat == null);
  }

  /** An assembler for a chat model; the template gets the tokenizer's BOS and EOS token strings. */
  public static PromptAssembler chat(Tokenizer tokenizer, ChatTemplate template) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(template, "template");
    return new PromptAssembler(tokenizer,
        new ChatFraming(template, tokenizer.bosToken().orElse(""), tokenizer.eosToken().orElse("")), null,
        DefinitionStyle.FULL);
  }

  /** An assembler for a base model, with the standard framing: a transcript (see {@link BaseFraming}). */
  public static PromptAssembler base(Tokenizer tokenizer) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    return new PromptAssembler(tokenizer, null, BaseFraming.STANDARD, DefinitionStyle.FULL);
  }

  /**
   * An assembler for a base model whose transcript has another introduction ({@code {{char}}} and
   * {@code {{user}}} are resolved) and example separator line.
   *
   * @throws IllegalArgumentException if the separator is blank or not one line
   */
  public static PromptAssembler base(Tokenizer tokenizer, String introduction, String exampleSeparator) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    return new PromptAssembler(tokenizer, null, new BaseFraming(introduction, exampleSeparator), DefinitionStyle.FULL);
  }

  /**
   * The tokenizer's own chat template when it has one, else the standard base-model framing.
   *
   * @throws dev.persona4j.tokenizers.TemplateException when the tokenizer's template does not compile
   */
  public static PromptAssembler forTokenizer(Tokenizer tokenizer) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    return tokenizer.chatTemplate()
        .map(source -> chat(tokenizer, ChatTemplate.compile(source)))
        .orElseGet(() -> base(tokenizer));
  }

  /**
   * This assembler with another definition style ({@link DefinitionStyle#FULL} by default); compact
   * prompts suit small models and leave the example dialogues and lore out.
   */
  public PromptAssembler withDefinitionStyle(DefinitionStyle style) {
    Objects.requireNonNull(style, "style");
    return style == definitionStyle ? this : new PromptAssembler(tokenizer, chat, base, style);
  }

  /** How much of the persona definition the prompts carry. */
  public DefinitionStyle definitionStyle() {
    return definitionStyle;
  }

  /** Whether this assembler frames prompts for a base model. */
  public boolean isBaseFraming() {
    return base != null;
  }

  /**
   * Assembles the prompt for the character's next turn.
   *
   * @param conversation the conversation so far; when it ends with a user turn, that turn is always kept
   * @param userName what {@code {{user}}} stands for and the user's label in transcripts
   * @param tokenBudget the most tokens the prompt may take (leave room for the reply)
   * @throws PromptException when even the persona definition and the latest user turn do not fit
   * @throws PromptException when the chat template rejects every layout of the conversation
   */
  public Prompt assemble(Persona persona, Conversation conversation, String userName, int tokenBudget) {
    Objects.requireNonNull(persona, "persona");
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(userName, "userName");
    if (userName.isBlank()) {
      throw new IllegalArgumentException("userName must not be blank");
    }
    if (tokenBudget <= 0) {
      throw new IllegalArgumentException("tokenBudget must be positive, got " + tokenBudget);
    }
    PersonaText text = new PersonaText(persona, userName, conversation.instructions());
    List<Turn> turns = conversation.turns();
    boolean endsWithUser = !turns.isEmpty() && turns.get(turns.size() - 1).speaker() == Speaker.USER;
    Turn latest = endsWithUser ? turns.get(turns.size() - 1) : null;
    List<Turn> history = endsWithUser ? turns.subList(0, turns.size() - 1) : turns;
    boolean compact = definitionStyle == DefinitionStyle.COMPACT;
    List<LoreEntry> triggered = persona.lorebook()
        .map(book -> LoreSelection.select(book, turns, e -> tokenizer.encode(e.content(), false).length))
        .orElse(List.of());
    // A compact prompt is the sketch alone: lore would change the system text from turn to turn (and the
    // small models compact prompts are for, the demo model among them, were trained without it).
    List<ExampleDialogue> examples = compact ? List.of() : persona.exampleDialogues();
    List<LoreEntry> lore = compact ? List.of() : triggered;
    List<String> leftOutByStyle = new ArrayList<>();
    if (compact && !persona.exampleDialogues().isEmpty()) {
      leftOutByStyle.add(persona.exampleDialogues().size() + " example dialogue(s) (compact style)");
    }
    if (compact) {
      triggered.forEach(e -> leftOutByStyle.add("lore entry " + e.label() + " (compact style)"));
    }
    // Under the prompt budget, lore goes lowest priority first: keep the first n of this order.
    List<LoreEntry> loreByPriority = new ArrayList<>(lore);
    loreByPriority.sort(Comparator.comparingInt(LoreEntry::priority).reversed());

    Selection full = new Selection(0, examples.size(), lore.size());
    Selector selector = new Selector(persona, text, history, latest, examples, lore, loreByPriority, leftOutByStyle);
    if (selector.fits(full, tokenBudget)) {
      return selector.prompt(full);
    }
    // 1. Oldest history first.
    if (!history.isEmpty()) {
      Selection noHistory = new Selection(history.size(), examples.size(), lore.size());
      if (selector.fits(noHistory, tokenBudget)) {
        int drop = smallest(1, history.size(), d -> selector.fits(new Selection(d, examples.size(), lore.size()), tokenBudget));
        return selector.prompt(new Selection(drop, examples.size(), lore.size()));
      }
    }
    // 2. Then example dialogues, the last first.
    int h = history.size();
    Selection noExamples = new Selection(h, 0, lore.size());
    if (!examples.isEmpty() && selector.fits(noExamples, tokenBudget)) {
      int keep = examples.size() - smallest(1, examples.size(),
          d -> selector.fits(new Selection(h, examples.size() - d, lore.size()), tokenBudget));
      return selector.prompt(new Selection(h, keep, lore.size()));
    }
    // 3. Then lore, lowest priority first.
    Selection minimum = new Selection(h, 0, 0);
    if (!lore.isEmpty() && selector.fits(minimum, tokenBudget)) {
      int keep = lore.size() - smallest(1, lore.size(),
          d -> selector.fits(new Selection(h, 0, lore.size() - d), tokenBudget));
      return selector.prompt(new Selection(h, 0, keep));
    }
    int needed = selector.count(minimum);
    if (needed <= tokenBudget) {
      return selector.prompt(minimum);
    }
    String fix = "raise the budget to " + needed;
    if (!compact) {
      int compactNeeded = withDefinitionStyle(DefinitionStyle.COMPACT).minimumTokens(text, persona, latest);
      fix += compactNeeded <= tokenBudget
          ? ", or use the COMPACT definition style, which needs " + compactNeeded + " tokens"
          : " (the COMPACT definition style needs " + compactNeeded + ")";
    }
    throw new PromptException("the prompt needs at least " + needed + " tokens in the " + definitionStyle
        + " definition style (the persona definition and the latest user turn, with no history, examples or lore)"
        + " but the token budget is " + tokenBudget + ": " + fix);
  }

  /** Tokens of the smallest prompt: the definition in this style and the latest user turn, nothing else. */
  private int minimumTokens(PersonaText text, Persona persona, Turn latest) {
    return new Selector(persona, text, List.of(), latest, List.of(), List.of(),
        List.of(), List.of()).count(new Selection(0, 0, 0));
  }

  /** The smallest value in [lo, hi] satisfying a predicate that holds at hi and is monotone. */
  private static int smallest(int lo, int hi, IntPredicate ok) {
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ok.test(mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return hi;
  }

  /** What a candidate prompt keeps: oldest history turns dropped, examples kept, top-priority lore kept. */
  private record Selection(int historyDropped, int examplesKept, int loreKept) {}

  private final class Selector {
    private final Persona persona;
    private final PersonaText text;
    private final List<Turn> history;
    private final Turn latest;
    private final List<ExampleDialogue> examples;
    private final List<LoreEntry> lore;
    private final List<LoreEntry> loreByPriority;
    private final List<String> leftOutByStyle;

    Selector(Persona persona, PersonaText text, List<Turn> history, Turn latest, List<ExampleDialogue> examples,
        List<LoreEntry> lore, List<LoreEntry> loreByPriority, List<String> leftOutByStyle) {
      this.persona = persona;
      this.text = text;
      this.history = history;
      this.latest = latest;
      this.examples = examples;
      this.lore = lore;
      this.loreByPriority = loreByPriority;
      this.leftOutByStyle = leftOutByStyle;
    }

    private List<LoreEntry> loreFor(Selection s) {
      if (s.loreKept() == lore.size()) {
        return lore;
      }
      List<LoreEntry> kept = loreByPriority.subList(0, s.loreKept());
      // Back in insertion order: the selection's order, which lore already is.
      return lore.stream().filter(e -> kept.stream().anyMatch(k -> k == e)).toList();
    }

    private List<Piece> pieces(Selection s) {
      List<ExampleDialogue> ex = examples.subList(0, s.examplesKept());
      List<Turn> hist = history.subList(s.historyDropped(), history.size());
      List<LoreEntry> lr = loreFor(s);
      if (base != null) {
        List<Turn> all = new ArrayList<>(hist);
        if (latest != null) {
          all.add(latest);
        }
        return base.render(persona, text, definitionStyle, ex, lr, all);
      }
      return chat.render(text, definitionStyle, ex, lr, hist, latest);
    }

    int count(Selection s) {
      return tokenization.count(Tokenization.text(pieces(s)));
    }

    boolean fits(Selection s, int budget) {
      return count(s) <= budget;
    }

    Prompt prompt(Selection s) {
      Tokenization.Result r = tokenization.tokenize(pieces(s));
      int kept = history.size() - s.historyDropped() + (latest == null ? 0 : 1);
      List<String> stops = base != null ? base.stopStrings(persona, text.userName()) : List.of();
      List<LoreEntry> loreKept = loreFor(s);
      List<String> omitted = new ArrayList<>(leftOutByStyle);
      if (s.historyDropped() > 0) {
        omitted.add(s.historyDropped() + " oldest history turn(s) (budget)");
      }
      if (s.examplesKept() < examples.size()) {
        omitted.add((examples.size() - s.examplesKept()) + " example dialogue(s) (budget)");
      }
      lore.stream().filter(e -> !loreKept.contains(e)).forEach(e -> omitted.add("lore entry " + e.label() + " (budget)"));
      if (!omitted.isEmpty()) {
        log.debug("{}: left out of the prompt: {}", persona.name(), omitted);
      }
      return new Prompt(r.text(), r.ids(), r.sections(), stops, kept, s.historyDropped(), s.examplesKept(),
          loreKept, omitted);
    }
  }
}
