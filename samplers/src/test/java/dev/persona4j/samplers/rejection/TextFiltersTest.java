package dev.persona4j.samplers.rejection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.samplers.InvalidSettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextFiltersTest {
  private static Candidate text(String t) {
    return Candidate.of(0, t, Map.of());
  }

  @Test
  void lengthBoundsCountCodePointsOfTrimmedText() {
    CandidateFilter min = CandidateFilter.minLength(3);
    CandidateFilter max = CandidateFilter.maxLength(3);
    assertFalse(min.check(text("  ab  ")).passed());
    assertEquals("2 characters, fewer than 3", min.check(text("ab")).reason());
    assertTrue(min.check(text("abc")).passed());
    assertTrue(max.check(text("⚓⚓⚓")).passed());
    assertTrue(max.check(text("\uD83C\uDF0A\uD83C\uDF0A\uD83C\uDF0A")).passed(), "three emoji are three characters");
    assertFalse(max.check(text("abcd")).passed());
  }

  @Test
  void bannedPhrasesIgnoreCaseAndSpacing() {
    CandidateFilter f = CandidateFilter.bannedPhrases(List.of("I'm just an assistant", "As an AI"));
    assertFalse(f.check(text("Well, I'M JUST\nan   assistant.")).passed());
    assertEquals("contains banned phrase \"As an AI\"", f.check(text("as an ai, no")).reason());
    assertTrue(f.check(text("Aye, as any sailor would.")).passed());
    assertThrows(InvalidSettingException.class, () -> CandidateFilter.bannedPhrases(List.of("  ")));
  }

  @Test
  void echoingTheUsersMessageIsCaught() {
    String user = "Tell me about the kraken of Vell Bay and how you escaped it";
    CandidateFilter f = CandidateFilter.echoesMessage(user, 20);
    FilterVerdict parrot = f.check(text("You ask me to tell you about the KRAKEN of vell bay and how you escaped it?"));
    assertFalse(parrot.passed());
    assertTrue(parrot.reason().startsWith("repeats 52 characters of the message"), parrot.reason());
    assertTrue(f.check(text("The kraken? Aye, I remember its ink.")).passed());
    assertArrayEquals(new int[] {4, 2}, TextFilters.longestCommonSubstring("xxabcdyy", "zabcdz"));
  }

  @Test
  void ngramOverlapMeasuresBorrowedPhrases() {
    String user = "what is the best way to cross the storm";
    CandidateFilter f = CandidateFilter.ngramOverlap(user, 2, 0.5);
    // 2-grams of the candidate: "the best", "best way", "way to", "to sail" -> 3 of 4 borrowed.
    FilterVerdict v = f.check(text("The best way to sail"));
    assertFalse(v.passed());
    assertEquals("3 of 4 2-grams (75%) come from the message", v.reason());
    assertTrue(f.check(text("Hold fast and trim the mainsail.")).passed());
    assertTrue(f.check(text("Aye")).passed(), "shorter than n words");
  }
}
