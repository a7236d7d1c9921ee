package dev.persona4j.samplers.rejection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.Persona4jException;
import dev.persona4j.samplers.InvalidSettingException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectionPolicyTest {

  private static Candidate c(int index, String text, double voice) {
    return Candidate.of(index, text, Map.of("voice", voice));
  }

  private static Candidate c(int index, String text, double voice, double safety) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("voice", voice);
    m.put("safety", safety);
    return Candidate.of(index, text, m);
  }

  @Test
  void bestOfNPicksTheHighestScoreAndReportsEveryCandidate() {
    SelectionPolicy policy = SelectionPolicy.builder().candidatesPerRound(3).scorer(CandidateScorer.head("voice")).build();
    Selection s = policy.select(List.of(c(0, "Aye.", 0.4), c(1, "Steady as she goes.", 0.9), c(2, "Hello there.", 0.7)));
    assertEquals(1, s.chosenIndex());
    assertEquals(Selection.BEST_OF_N, s.rule());
    assertFalse(s.gaveUp());
    assertEquals(1, s.bestSeenIndex());
    assertEquals(3, s.candidates().size());
    assertEquals(0.7, s.candidates().get(2).score(), 0.0);
    assertEquals("Steady as she goes.", s.chosen().orElseThrow().text());
    assertEquals(1, s.rounds());
  }

  @Test
  void filtersVetoTheBestScoringCandidate() {
    SelectionPolicy policy = SelectionPolicy.builder()
        .scorer(CandidateScorer.head("voice"))
        .filter(CandidateFilter.bannedPhrases(List.of("As an AI language model")))
        .build();
    Selection s = policy.select(List.of(
        c(0, "As an   AI LANGUAGE model, I cannot sail.", 0.99),
        c(1, "I've sailed these waters thirty years.", 0.8)));
    assertEquals(1, s.chosenIndex());
    Candidate vetoed = s.candidates().get(0);
    assertFalse(vetoed.passed());
    assertEquals("contains banned phrase \"As an AI language model\"", vetoed.verdicts().get(0).reason());
    assertTrue(s.candidates().get(1).passed());
  }

  @Test
  void firstAboveThresholdRunsAnotherRoundThenAcceptsTheFirstPassingCandidateAbove() {
    SelectionPolicy policy = SelectionPolicy.builder()
        .candidatesPerRound(3)
        .firstAboveThreshold(0.8, 3)
        .scorer(CandidateScorer.head("voice"))
        .filter(CandidateFilter.maxLength(40))
        .build();
    SelectionRun run = policy.newRun();
    Optional<Selection> first = run.offer(List.of(c(0, "Meh.", 0.5), c(1, "Fine.", 0.79), c(2, "Okay.", 0.2)));
    assertTrue(first.isEmpty(), "another round");
    assertEquals(3, run.nextRoundSize());
    assertFalse(run.finished());
    Optional<Selection> second = run.offer(List.of(
        c(3, "This one is far too long to pass the length filter at all.", 0.95),
        c(4, "Aye, that'll do.", 0.85),
        c(5, "Even better, by the tides!", 0.97)));
    Selection s = second.orElseThrow();
    assertEquals(4, s.chosenIndex(), "the first passing candidate above 0.8, not the best");
    assertEquals(Selection.FIRST_ABOVE_THRESHOLD, s.rule());
    assertEquals(5, s.bestSeenIndex());
    assertEquals(2, s.rounds());
    assertEquals(6, s.candidates().size());
    assertEquals(1, s.candidates().get(3).round(), "rounds count from 0");
    assertTrue(run.finished());
    assertThrows(IllegalStateException.class, () -> run.offer(List.of(c(6, "late", 1))));
  }

  @Test
  void firstAboveThresholdGivesUpAfterMaxRoundsWithTheBestSeen() {
    SelectionPolicy policy = SelectionPolicy.builder()
        .candidatesPerRound(2)
        .firstAboveThreshold(0.9, 3)
        .scorer(CandidateScorer.head("voice"))
        .filter(CandidateFilter.minLength(3))
        .build();
    SelectionRun run = policy.newRun();
    assertTrue(run.offer(List.of(c(0, "first try", 0.3), c(1, "second", 0.6))).isEmpty());
    assertTrue(run.offer(List.of(c(2, "no", 0.95), c(3, "third", 0.7))).isEmpty());
    Selection s = run.offer(List.of(c(4, "fourth", 0.5), c(5, "fifth", 0.1))).orElseThrow();
    assertTrue(s.gaveUp());
    assertEquals(-1, s.chosenIndex());
    assertTrue(s.chosen().isEmpty());
    assertEquals(Selection.GAVE_UP, s.rule());
    assertEquals(3, s.bestSeenIndex(), "#2 scored higher but failed min-length");
    assertEquals(3, s.rounds());
    assertEquals("no candidate scored >= 0.900 in 3 round(s) of 2; best seen #3 scored 0.700", s.explanation());
  }

  @Test
  void everyCandidateFilteredGivesUpNamingTheFailure() {
    SelectionPolicy policy = SelectionPolicy.builder().scorer(CandidateScorer.head("voice"))
        .filter(CandidateFilter.maxLength(5)).build();
    Selection s = policy.select(List.of(c(0, "too long by far", 0.2), c(1, "also too long", 0.6)));
    assertTrue(s.gaveUp());
    assertEquals(1, s.bestSeenIndex());
    assertTrue(s.explanation().contains("all 2 candidates failed a filter"), s.explanation());
    assertTrue(s.explanation().contains("max-length(5): 13 characters, more than 5"), s.explanation());
  }

  @Test
  void bestOfNRetriesOnlyWhenEverythingWasFiltered() {
    SelectionPolicy policy = SelectionPolicy.builder().bestOfN(2)
        .scorer(CandidateScorer.head("voice")).filter(CandidateFilter.maxLength(5)).build();
    SelectionRun run = policy.newRun();
    assertTrue(run.offer(List.of(c(0, "too long", 0.9))).isEmpty());
    Selection s = run.offer(List.of(c(1, "ok", 0.1), c(2, "fine", 0.3))).orElseThrow();
    assertEquals(2, s.chosenIndex());
  }

  @Test
  void epsilonGreedyIsReproducibleBySeed() {
    List<Candidate> round = List.of(c(0, "a", 0.1), c(1, "b", 0.9), c(2, "c", 0.5), c(3, "d", 0.3));
    SelectionPolicy explore = SelectionPolicy.builder().epsilonGreedy(1.0, 42, 1)
        .scorer(CandidateScorer.head("voice")).build();
    int first = explore.select(round).chosenIndex();
    for (int i = 0; i < 20; i++) {
      Selection again = explore.select(round);
      assertEquals(first, again.chosenIndex(), "same seed, same candidates, same pick");
      assertEquals(Selection.EPSILON_GREEDY_EXPLORE, again.rule());
    }
    Set<Integer> picks = new HashSet<>();
    int explored = 0;
    for (long seed = 0; seed < 2000; seed++) {
      picks.add(SelectionPolicy.builder().epsilonGreedy(1.0, seed, 1).build().select(round).chosenIndex());
      Selection s = SelectionPolicy.builder().epsilonGreedy(0.3, seed, 1)
          .scorer(CandidateScorer.head("voice")).build().select(round);
      if (s.rule().equals(Selection.EPSILON_GREEDY_EXPLORE)) {
        explored++;
      } else {
        assertEquals(1, s.chosenIndex(), "exploiting picks the best");
      }
    }
    assertEquals(Set.of(0, 1, 2, 3), picks, "exploration reaches every passing candidate");
    assertEquals(0.3, explored / 2000.0, 0.04);
    Selection greedy = SelectionPolicy.builder().epsilonGreedy(0, 7, 1)
        .scorer(CandidateScorer.head("voice")).build().select(round);
    assertEquals(1, greedy.chosenIndex());
    assertEquals(Selection.EPSILON_GREEDY_EXPLOIT, greedy.rule());
  }

  @Test
  void epsilonGreedyExploresOnlyAmongPassingCandidates() {
    List<Candidate> round = List.of(c(0, "banned word here", 0.9), c(1, "fine", 0.1), c(2, "good", 0.2));
    for (long seed = 0; seed < 200; seed++) {
      Selection s = SelectionPolicy.builder().epsilonGreedy(1.0, seed, 1)
          .filter(CandidateFilter.bannedPhrases(List.of("BANNED"))).build().select(round);
      assertTrue(s.chosenIndex() == 1 || s.chosenIndex() == 2, "chose " + s.chosenIndex());
    }
  }

  @Test
  void weightedCombinationOfHeads() {
    CandidateScorer scorer = CandidateScorer.weighted(Map.of("voice", 3.0, "safety", 1.0));
    assertEquals((3 * 0.6 + 0.2) / 4, scorer.score(c(0, "x", 0.6, 0.2)), 1e-12);
    SelectionPolicy policy = SelectionPolicy.builder().scorer(scorer).build();
    // voice alone prefers #0; the combination (0.725 vs 0.775) prefers #1.
    Selection s = policy.select(List.of(c(0, "a", 0.9, 0.2), c(1, "b", 0.8, 0.7)));
    assertEquals(1, s.chosenIndex());
    assertEquals(0.775, s.chosen().orElseThrow().score(), 1e-12);

    InvalidSettingException missing =
        assertThrows(InvalidSettingException.class, () -> policy.select(List.of(c(5, "a", 0.9))));
    assertEquals("scorer", missing.setting());
    assertTrue(missing.getMessage().contains("head 'safety': candidate 5 has no score from that head"),
        missing.getMessage());
    assertThrows(InvalidSettingException.class, () -> CandidateScorer.weighted(Map.of("voice", -1.0)));
    assertThrows(InvalidSettingException.class, () -> CandidateScorer.weighted(Map.of("voice", 0.0)));
    Persona4jException nan = assertThrows(Persona4jException.class,
        () -> SelectionPolicy.builder().scorer(CandidateScorer.head("voice")).build().select(List.of(c(0, "a", Double.NaN))));
    assertEquals("candidate 0: score of head 'voice' is NaN", nan.getMessage());
  }

  @Test
  void topUpForAnExpectedRejectionRate() {
    assertEquals(8, SelectionPolicy.topUp(4, 0.5, 64));
    assertEquals(4, SelectionPolicy.topUp(3, 0.25, 64));
    assertEquals(5, SelectionPolicy.topUp(4, 0.2, 64));
    assertEquals(6, SelectionPolicy.topUp(4, 0.3, 64));
    assertEquals(16, SelectionPolicy.topUp(4, 0.9, 16));
    assertEquals(5, SelectionPolicy.topUp(5, 0, 64));
    assertThrows(InvalidSettingException.class, () -> SelectionPolicy.topUp(4, 1.0, 64));
    assertThrows(InvalidSettingException.class, () -> SelectionPolicy.topUp(4, 0.5, 3));
    SelectionPolicy policy = SelectionPolicy.builder().candidatesPerRound(4).expectedRejectionRate(0.5)
        .maxCandidatesPerRound(6).build();
    assertEquals(6, policy.candidatesPerRound());
    assertEquals(6, policy.newRun().nextRoundSize());
  }

  @Test
  void repeatedIndicesAndEmptyRoundsAreRejected() {
    SelectionPolicy policy = SelectionPolicy.builder().firstAboveThreshold(0.99, 2).build();
    SelectionRun run = policy.newRun();
    run.offer(List.of(c(0, "a", 0.1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.offer(List.of(c(0, "b", 0.2))));
    assertTrue(e.getMessage().contains("index 0 was offered twice"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> policy.newRun().offer(List.of()));
    assertThrows(InvalidSettingException.class, () -> SelectionPolicy.builder().firstAboveThreshold(1.5, 2));
    assertThrows(InvalidSettingException.class, () -> SelectionPolicy.builder().epsilonGreedy(-0.1, 2, 1));
    assertThrows(InvalidSettingException.class, () -> SelectionPolicy.builder().bestOfN(0));
  }
}
