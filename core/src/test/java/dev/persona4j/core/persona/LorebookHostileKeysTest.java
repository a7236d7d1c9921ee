package dev.persona4j.core.persona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lorebook keys from cards are matched in linear time: a key that makes a backtracking matcher
 * explode or overflow its stack answers at once, and a key a linear-time matcher cannot run (a
 * backreference) is a typed error naming the entry and key when the persona is read.
 */
class LorebookHostileKeysTest {
  private static LoreEntry regexEntry(String key) {
    return LoreEntry.builder().keys(key).useRegex(true).content("lore").build();
  }

  /** A hang guard only (a backtracking matcher never finishes these), not a speed target. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void catastrophicKeysAnswerWithoutHangingOrOverflowingTheStack() {
    // java.util.regex: StackOverflowError at 5,001 characters
    assertTrue(regexEntry("(a|aa)+$").triggeredBy("a".repeat(5_001)));
    // exponential backtracking: 2^5000 ways to split the x's before failing on the missing y
    assertFalse(regexEntry("(x+x+)+y").triggeredBy("x".repeat(5_000)));
    assertTrue(regexEntry("/(X+X+)+y/i").triggeredBy("x".repeat(5_000) + "Y"));
  }

  @Test
  void backreferenceInAPersonaFileNamesTheEntryAndKey() {
    String yaml = """
        schema: persona4j/v1
        name: Nell
        lorebook:
          entries:
            - keys: ["harbour"]
              content: The harbour.
            - keys: ["ship", "(a*)*\\\\1$"]
              use_regex: true
              content: The ship.
        """;
    PersonaFormatException e = assertThrows(PersonaFormatException.class,
        () -> PersonaFiles.parse(yaml, PersonaFiles.Format.YAML, "nell.yaml"));
    assertEquals("lorebook.entries[1].keys[1]", e.fieldPath(), e.getMessage());
    assertTrue(e.problem().contains("backreference"), e.getMessage());
    assertTrue(e.getMessage().contains("(a*)*\\1$"), e.getMessage());
  }

  @Test
  void backreferenceInACardNamesTheEntryAndKey() {
    String card = """
        {"spec": "chara_card_v3", "spec_version": "3.0", "data": {"name": "Nell", "description": "", "personality": "",
          "scenario": "", "first_mes": "", "mes_example": "", "creator_notes": "", "system_prompt": "",
          "post_history_instructions": "", "alternate_greetings": [], "tags": [], "creator": "",
          "character_version": "", "extensions": {}, "group_only_greetings": [],
          "character_book": {"extensions": {}, "entries": [{"keys": ["(\\\\w+) \\\\1"], "content": "x",
            "extensions": {}, "enabled": true, "insertion_order": 0, "use_regex": true}]}}}
        """;
    PersonaFormatException e = assertThrows(PersonaFormatException.class,
        () -> CharacterCards.parseJson(card, "nell.json"));
    assertEquals("data.character_book.entries[0].keys[0]", e.fieldPath(), e.getMessage());
    assertTrue(e.problem().contains("backreference"), e.getMessage());
  }

  @Test
  void aLorebookWithoutEntriesIsAnEmptyLorebook() {
    // found by PersonaFileFuzzTest: the regex key check read the missing entries list (NullPointerException)
    Persona persona = PersonaFiles.parse("schema: persona4j/v1\nname: Nell\nlorebook:\n  name: Vell Bay\n",
        PersonaFiles.Format.YAML, "nell.yaml");
    assertTrue(persona.lorebook().orElseThrow().entries().isEmpty());
    String card = """
        {"spec": "chara_card_v2", "spec_version": "2.0", "data": {"name": "Nell", "description": "", "personality": "",
          "scenario": "", "first_mes": "", "mes_example": "", "character_book": {"name": "Vell Bay"}}}
        """;
    try {
      assertTrue(CharacterCards.parseJson(card, "nell.json").lorebook().map(b -> b.entries().isEmpty()).orElse(true));
    } catch (PersonaFormatException e) {
      assertTrue(e.getMessage().contains("character_book"), e.getMessage()); // a typed error is fine too
    }
  }

  @Test
  void backreferenceInABuiltEntryIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> regexEntry("(a)\\1"));
    assertTrue(e.getMessage().contains("backreference"), e.getMessage());
  }
}
