package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text figures drift-eval reports per arm, against a hand count. */
class DriftEvaluationTest {
  @Test
  void meanWordsAndDistinct2CountBigramsWithinEachReplyIgnoringCase() {
    // Words: 4 + 2 + 0. Bigrams: "a b", "b a", "a b" in the first reply, "a b" in the second: 2 distinct of 4.
    DriftEvaluation.TextStats stats = DriftEvaluation.TextStats.of(List.of(" a b  a b", "A B", ""));
    assertEquals(2.0, stats.meanWords(), 1e-12);
    assertEquals(0.5, stats.distinct2(), 1e-12);
  }

  @Test
  void noRepliesOrNoBigramsGiveZeroNotNaN() {
    assertEquals(new DriftEvaluation.TextStats(0, 0), DriftEvaluation.TextStats.of(List.of()));
    assertEquals(new DriftEvaluation.TextStats(1, 0), DriftEvaluation.TextStats.of(List.of("Aye.")));
  }
}
