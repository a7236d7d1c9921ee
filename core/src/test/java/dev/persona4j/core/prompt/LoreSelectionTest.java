package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Turn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.persona4j.core.persona.LoreEntry;
import dev.persona4j.core.persona.Lorebook;
import dev.persona4j.core.persona.Resources;
import dev.persona4j.tokenizers.Tokenizer;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoreSelectionTest {
  private static Tokenizer tokenizer;
  private static ToIntFunction<LoreEntry> tokens;

  @BeforeAll
  static void load() {
    tokenizer = Tokenizer.load(Resources.path("/tokenizers/llama/tokenizer.json"));
    tokens = e -> tokenizer.encode(e.content(), false).length;
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static LoreEntry entry(String content, String... keys) {
    return LoreEntry.builder().keys(keys).content(content).build();
  }

  private static List<String> select(Lorebook book, Turn... turns) {
    return LoreSelection.select(book, List.of(turns), tokens).stream().map(LoreEntry::content).toList();
  }

  @Test
  void keysMatchCaseInsensitivelyUnlessCaseSensitive() {
    Lorebook book = Lorebook.builder().entries(List.of(
        entry("dragon lore", "Dragon"),
        LoreEntry.builder().keys("Vael").caseSensitive(true).content("city lore").build())).build();
    assertEquals(List.of("dragon lore"), select(book, Turn.user("a DRAGON over vael")));
    assertEquals(List.of("dragon lore", "city lore"), select(book, Turn.user("a dragon over Vael")));
  }

  @Test
  void selectiveEntriesNeedAPrimaryAndASecondaryKey() {
    LoreEntry kraken = LoreEntry.builder().keys("kraken").secondaryKeys(List.of("ink", "tentacle"))
        .selective(true).content("kraken lore").build();
    LoreEntry notSelective = LoreEntry.builder().keys("squid").secondaryKeys(List.of("ink")).content("squid lore").build();
    Lorebook book = Lorebook.builder().entries(List.of(kraken, notSelective)).build();
    assertEquals(List.of("squid lore"), select(book, Turn.user("a kraken and a squid")));
    assertEquals(List.of("kraken lore", "squid lore"), select(book, Turn.user("a kraken, a squid, a Tentacle")));
  }

  @Test
  void constantEntriesAlwaysAndDisabledNever() {
    Lorebook book = Lorebook.builder().entries(List.of(
        LoreEntry.builder().constant(true).content("always").build(),
        LoreEntry.builder().keys("gold").enabled(false).content("never").build(),
        LoreEntry.builder().constant(true).enabled(false).content("disabled constant").build())).build();
    assertEquals(List.of("always"), select(book, Turn.user("gold gold gold")));
    assertEquals(List.of("always"), select(book));
  }

  @Test
  void onlyTheLastScanDepthMessagesAreScanned() {
    Lorebook book = Lorebook.builder().scanDepth(2).entries(List.of(entry("ghost lore", "ghost"))).build();
    assertEquals(List.of(), select(book, Turn.user("a ghost!"), Turn.character("where?"), Turn.user("gone")));
    assertEquals(List.of("ghost lore"), select(book, Turn.user("x"), Turn.character("a ghost!"), Turn.user("gone")));
    Lorebook none = Lorebook.builder().scanDepth(0).entries(List.of(entry("ghost lore", "ghost"))).build();
    assertEquals(List.of(), select(none, Turn.user("a ghost!")));
  }

  @Test
  void regexKeys() {
    Lorebook book = Lorebook.builder().entries(List.of(
        LoreEntry.builder().keys("/gh?osts?/i").useRegex(true).content("haunting").build(),
        LoreEntry.builder().keys("\\bsea\\b").useRegex(true).content("the sea").build())).build();
    assertEquals(List.of("haunting"), select(book, Turn.user("GOSTS in the seaside")));
    assertEquals(List.of("the sea"), select(book, Turn.user("by the sea")));
  }

  @Test
  void recursiveScanningFollowsInsertedContent() {
    List<LoreEntry> entries = List.of(entry("The tower stands by the lake.", "tower"), entry("The lake is cold.", "lake"));
    assertEquals(List.of("The tower stands by the lake."),
        select(Lorebook.builder().entries(entries).build(), Turn.user("the tower")));
    assertEquals(List.of("The tower stands by the lake.", "The lake is cold."),
        select(Lorebook.builder().entries(entries).recursiveScanning(true).build(), Turn.user("the tower")));
  }

  @Test
  void overTheBudgetTheLowestPriorityGoesAndTheRestKeepInsertionOrder() {
    LoreEntry low = LoreEntry.builder().keys("a").priority(1).insertionOrder(1).content("Low priority, inserted first.").build();
    LoreEntry high = LoreEntry.builder().keys("a").priority(50).insertionOrder(3).content("High priority, inserted last.").build();
    LoreEntry mid = LoreEntry.builder().keys("a").priority(10).insertionOrder(2).content("Middle priority, inserted second.").build();
    List<LoreEntry> entries = List.of(high, low, mid);
    int all = tokens.applyAsInt(low) + tokens.applyAsInt(mid) + tokens.applyAsInt(high);
    Turn t = Turn.user("a");
    assertEquals(List.of(low.content(), mid.content(), high.content()),
        select(Lorebook.builder().tokenBudget(all).entries(entries).build(), t));
    assertEquals(List.of(mid.content(), high.content()),
        select(Lorebook.builder().tokenBudget(all - 1).entries(entries).build(), t));
    assertEquals(List.of(high.content()),
        select(Lorebook.builder().tokenBudget(tokens.applyAsInt(high)).entries(entries).build(), t));
    assertEquals(List.of(), select(Lorebook.builder().tokenBudget(tokens.applyAsInt(high) - 1).entries(entries).build(), t));
  }
}
