package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bank validation that keeps the drift detector exact, and the tag pairing of replies. */
class CorpusPhraseBankTest {
  @Test
  void aLineCarryingAnotherVoicesMarkerIsRejectedWithItsBank() {
    Map<String, String> banks = bundled();
    banks.put("naturalist", banks.get("naturalist").replace(
        "Croquet is the only sport I play.", "Aye, croquet is the only sport I play."));
    CorpusException e = assertThrows(CorpusException.class, () -> parse(banks));
    assertTrue(e.getMessage().contains("naturalist @topic sports"), e.getMessage());
    assertTrue(e.getMessage().contains("captain marker 'aye'"), e.getMessage());
  }

  @Test
  void anOpenerWithoutItsOwnMarkerIsRejected() {
    Map<String, String> banks = bundled();
    banks.put("detective", banks.get("detective").replace("Listen, kid.", "Listen."));
    CorpusException e = assertThrows(CorpusException.class, () -> parse(banks));
    assertTrue(e.getMessage().contains("detective @opener: carries none of the detective markers"),
        e.getMessage());
  }

  @Test
  void genericPhrasesInsideAVoiceAreRejected() {
    Map<String, String> banks = bundled();
    banks.put("gardener", banks.get("gardener").replace("Pressing flowers!",
        "Great question! Pressing flowers!"));
    CorpusException e = assertThrows(CorpusException.class, () -> parse(banks));
    assertTrue(e.getMessage().contains("generic_assistant marker 'great question'"),
        e.getMessage());
  }

  @Test
  void unknownSlotsAndUnansweredTagsAreRejected() {
    Map<String, String> typo = bundled();
    typo.put("captain", typo.get("captain").replace("{companion} plays a squeezebox",
        "{mate} plays a squeezebox"));
    CorpusException e = assertThrows(CorpusException.class, () -> parse(typo));
    assertTrue(e.getMessage().contains("unknown slot {mate}"), e.getMessage());

    Map<String, String> tags = bundled();
    tags.put("captain", tags.get("captain").replace("(law) Cheat the taxman",
        "(lawyer) Cheat the taxman"));
    e = assertThrows(CorpusException.class, () -> parse(tags));
    assertTrue(e.getMessage().contains("tag (lawyer) is asked by no user line"), e.getMessage());
  }

  @Test
  void taggedQuestionsGetMatchingAnswers() {
    Voices voices = Voices.standard();
    Corpus corpus = CorpusFixture.defaultCorpus();
    int checked = 0;
    for (CorpusExample e : corpus.examples()) {
      if (!e.label().isInCharacter()
          || (e.topic() != Topic.BOUNDARY && e.topic() != Topic.FEELINGS)) {
        continue;
      }
      String tag = tagOf(voices, e);
      Voice voice = voices.voice(e.voice());
      Map<String, String> slots = corpus.persona(e.persona()).orElseThrow().slots();
      for (PhraseTemplate line : voice.content(e.topic())) {
        if (!line.answers(tag)) {
          for (String text : line.allExpansions(slots)) {
            assertFalse(e.reply().contains(text),
                "(" + tag + ") '" + e.user() + "' answered by a (" + line.tags() + ") line: "
                    + e.reply());
          }
        }
      }
      checked++;
    }
    assertTrue(checked > 1_500, "checked " + checked);
  }

  private static String tagOf(Voices voices, CorpusExample e) {
    for (PhraseTemplate t : voices.userTurns(e.topic())) {
      Map<String, String> slots = Map.of("nick",
          CorpusFixture.defaultCorpus().persona(e.persona()).orElseThrow().nickname());
      if (t.allExpansions(slots).contains(e.user())) {
        return t.tags().isEmpty() ? null : t.tags().iterator().next();
      }
    }
    throw new AssertionError("user turn not from the bank: " + e.user());
  }

  private static Voices parse(Map<String, String> banks) {
    return Voices.parse(banks, Voices.bundledBank(Voices.GENERIC),
        Voices.bundledBank(Voices.USER_TURNS), Voices.bundledBank(Voices.PERSONA_POOLS));
  }

  private static Map<String, String> bundled() {
    Map<String, String> banks = new LinkedHashMap<>();
    for (String id : Voices.IDS) {
      banks.put(id, Voices.bundledBank(id));
    }
    return banks;
  }
}
