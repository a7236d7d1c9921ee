package dev.persona4j.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

  @Test
  void stopStringSplitOverThreePiecesIsNeverReturned() {
    StopMatcher m = StopConditions.builder().stopString("<|end|>").build().newMatcher();
    StopMatcher.Emission e1 = m.push("Aye, captain <|");
    assertEquals(new StopMatcher.Emission("Aye, captain ", false), e1);
    assertEquals(new StopMatcher.Emission("", false), m.push("en"));
    StopMatcher.Emission e3 = m.push("d|> and more");
    assertEquals(new StopMatcher.Emission("", true), e3);
    assertTrue(m.stopped());
    assertEquals("<|end|>", m.matchedStopString().orElseThrow());
    assertEquals("", m.flush());
    assertEquals(new StopMatcher.Emission("", true), m.push("later text"));
  }

  @Test
  void falsePrefixIsHeldThenReleased() {
    StopMatcher m = new StopMatcher(List.of("\nUser:"));
    assertEquals(new StopMatcher.Emission("Steady", false), m.push("Steady\nUs"));
    assertEquals(new StopMatcher.Emission("\nUsually so.", false), m.push("ually so."));
    assertEquals(new StopMatcher.Emission("", false), m.push("\n"));
    assertEquals("\n", m.flush());
    assertFalse(m.stopped());
  }

  @Test
  void earliestStopStringWinsAndTextBeforeItIsReturned() {
    StopMatcher m = new StopMatcher(List.of("###", "\n\n"));
    assertEquals(new StopMatcher.Emission("one", true), m.push("one\n\ntwo ### three"));
    assertEquals("\n\n", m.matchedStopString().orElseThrow());
  }

  @Test
  void overlappingPrefixesAreHandled() {
    // "aab" must be found in "aaab" streamed one char at a time, although "aa" is a false start.
    StopMatcher m = new StopMatcher(List.of("aab"));
    StringBuilder out = new StringBuilder();
    boolean stopped = false;
    for (char c : "xaaab".toCharArray()) {
      StopMatcher.Emission e = m.push(String.valueOf(c));
      out.append(e.text());
      stopped = e.stopped();
    }
    assertTrue(stopped);
    assertEquals("xa", out.toString());
  }

  @Test
  void anySplitOfTheTextGivesTheTextBeforeTheStop() {
    Random r = new Random(3);
    String text = "Ahoy there, landlubber! Steady as she goes.\nUser: what now";
    String expected = "Ahoy there, landlubber! Steady as she goes.";
    for (int trial = 0; trial < 500; trial++) {
      StopMatcher m = new StopMatcher(List.of("\nUser:", "\nCaptain:"));
      StringBuilder out = new StringBuilder();
      int i = 0;
      boolean stopped = false;
      while (i < text.length() && !stopped) {
        int len = 1 + r.nextInt(4);
        StopMatcher.Emission e = m.push(text.substring(i, Math.min(text.length(), i + len)));
        out.append(e.text());
        stopped = e.stopped();
        i += len;
      }
      assertTrue(stopped);
      assertEquals(expected, out.toString());
    }
  }

  @Test
  void noStopStringsPassesTextThrough() {
    StopMatcher m = new StopMatcher(List.of());
    assertEquals(new StopMatcher.Emission("abc", false), m.push("abc"));
    assertEquals("", m.flush());
  }

  @Test
  void stopConditionsKnowTokensAndLimit() {
    StopConditions c = StopConditions.builder().stopTokenIds(List.of(2, 7)).maxNewTokens(3).build();
    assertTrue(c.isStopToken(7));
    assertFalse(c.isStopToken(3));
    assertFalse(c.reachedLimit(2));
    assertTrue(c.reachedLimit(3));
  }
}
