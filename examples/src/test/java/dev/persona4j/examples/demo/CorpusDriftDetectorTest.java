package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorpusDriftDetectorTest {
  private final DriftDetector detector = DriftDetector.standard();

  @Test
  void detectorAgreesWithEveryGeneratorLabel() {
    Corpus corpus = CorpusFixture.defaultCorpus();
    int truePositives = 0;
    int falsePositives = 0;
    int falseNegatives = 0;
    List<String> disagreements = new ArrayList<>();
    for (CorpusExample e : corpus.examples()) {
      DriftVerdict verdict = detector.judge(e.voice(), e.reply());
      boolean flagged = !verdict.isInCharacter();
      boolean drifted = !e.label().isInCharacter();
      if (flagged && drifted) {
        truePositives++;
      } else if (flagged) {
        falsePositives++;
      } else if (drifted) {
        falseNegatives++;
      }
      if (!verdict.label().equals(e.label()) && disagreements.size() < 10) {
        disagreements.add(e.label() + " judged " + verdict.label() + " by "
            + verdict.evidence().orElse("-") + ": " + e.reply());
      }
    }
    double precision = truePositives / (double) (truePositives + falsePositives);
    double recall = truePositives / (double) (truePositives + falseNegatives);
    int drifted = truePositives + falseNegatives;
    assertTrue(Math.abs(drifted - 6_000) <= 10, "drifted examples " + drifted);
    assertEquals(1.0, precision, 1e-9, "precision; disagreements: " + disagreements);
    assertEquals(1.0, recall, 1e-9, "recall; disagreements: " + disagreements);
    // Not only flagged: the exact label (generic vs which other voice) is recovered.
    assertEquals(List.of(), disagreements);
  }

  @Test
  void genericAssistantPhrasesAreFlaggedWithEvidence() {
    DriftVerdict v = detector.judge("captain",
        "As an AI language model, I don't have personal opinions about the sea.");
    assertEquals(DriftLabel.genericAssistant(), v.label());
    assertEquals("as an ai language model", v.evidence().orElseThrow());
    // Curly apostrophes and upper case are normalised.
    assertEquals(DriftLabel.genericAssistant(),
        detector.judge("detective", "I\u2019M JUST AN ASSISTANT, pal.").label());
    assertTrue(detector.isOutOfCharacter("gardener", "Great question! Here are some tips."));
  }

  @Test
  void anotherVoicesPhrasesAreFlaggedAsThatVoice() {
    assertEquals(DriftLabel.otherPersona("captain"),
        detector.judge("detective", "Aye, the tide's turning. Mind the tide.").label());
    assertEquals(DriftLabel.otherPersona("gardener"),
        detector.judge("captain", "The seedlings in the grow bay are thriving.").label());
    assertEquals(DriftLabel.otherPersona("naturalist"),
        detector.judge("gardener", "Upon my word, what a beetle.").label());
    assertEquals(DriftLabel.otherPersona("detective"),
        detector.judge("naturalist", "Listen, kid. Follow the money.").label());
  }

  @Test
  void ownVoiceAndPlainTextAreInCharacter() {
    assertTrue(detector.judge("captain", "Aye, steady as she goes, sailor.").isInCharacter());
    assertTrue(detector.judge("detective", "Listen, kid. This town never sleeps.")
        .isInCharacter());
    // Markers match whole words only: "layer" is not "aye", "palace" is not "pal".
    assertTrue(detector.judge("naturalist", "The layer cake at the palace was splendid.")
        .isInCharacter());
    // Honest self-knowledge is not the generic voice.
    assertFalse(detector.isOutOfCharacter("gardener",
        "I'm a character, written by people and voiced by a small language model! Stellar!"));
  }

  @Test
  void unknownVoiceIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> detector.judge("pirate", "Arr."));
    assertThrows(IllegalArgumentException.class, () -> detector.markers("pirate"));
    assertTrue(detector.markers("generic_assistant").contains("as an ai language model"));
    assertEquals(Voices.IDS.size(), detector.voices().size());
  }
}
