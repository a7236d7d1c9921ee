package dev.persona4j.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The independent out-of-character detector for the demo: exact, rule-based phrase matching that
 * never looks at model activations, so it can judge the activation-based in-character head.
 *
 * <p>Rule: a reply is judged for an expected voice (a generated persona's base voice, or an example
 * persona's id, which is its voice). Text is lower-cased and split into words (letters, digits and
 * apostrophes; curly apostrophes count as straight ones). The reply is
 * <ol>
 *   <li>{@code generic_assistant} if it contains any generic-assistant marker phrase ("as an ai
 *       language model", "i'm just an assistant", "here are some", ...), else</li>
 *   <li>{@code other_persona:v} for the first other voice {@code v} (in the order captain,
 *       naturalist, gardener, detective) one of whose marker phrases it contains, else</li>
 *   <li>{@code in_character}.</li>
 * </ol>
 * A marker matches as a contiguous word sequence ("aye" does not match "layer"). The marker lists
 * are the {@code @markers} sections of the phrase banks; the banks are validated so that every
 * opener and closer carries its own voice's marker and no line carries another's, which makes the
 * detector exact on the generator's labels. On model output it is a lower bound: drift that avoids
 * every marker phrase goes unnoticed.
 */
public final class DriftDetector {
  private final Voices voices;

  private DriftDetector(Voices voices) {
    this.voices = voices;
  }

  /** The detector for the four bundled voices and the generic assistant voice. */
  public static DriftDetector standard() {
    return new DriftDetector(Voices.standard());
  }

  /** The voice ids the detector can judge against (the example persona ids). */
  public Set<String> voices() {
    return Set.copyOf(Voices.IDS);
  }

  /** The marker phrases of a voice, or of the generic assistant voice for "generic_assistant". */
  public List<String> markers(String voiceId) {
    if (voiceId.equals(Voices.GENERIC)) {
      return voices.generic().markers();
    }
    return voices.voice(voiceId).markers();
  }

  /**
   * Judges a reply that should be in {@code expectedVoice}.
   *
   * @throws IllegalArgumentException if the voice is unknown
   */
  public DriftVerdict judge(String expectedVoice, String reply) {
    Objects.requireNonNull(expectedVoice, "expectedVoice");
    Objects.requireNonNull(reply, "reply");
    voices.voice(expectedVoice);
    Map<String, List<List<String>>> markers = voices.markerWords();
    List<String> words = words(reply);
    List<String> hit = firstMatch(words, markers.get(Voices.GENERIC));
    if (hit != null) {
      return new DriftVerdict(DriftLabel.genericAssistant(), Optional.of(String.join(" ", hit)));
    }
    for (String voice : Voices.IDS) {
      if (voice.equals(expectedVoice)) {
        continue;
      }
      hit = firstMatch(words, markers.get(voice));
      if (hit != null) {
        return new DriftVerdict(DriftLabel.otherPersona(voice), Optional.of(String.join(" ", hit)));
      }
    }
    return new DriftVerdict(DriftLabel.inCharacter(), Optional.empty());
  }

  /** True if {@link #judge} finds the reply out of character. */
  public boolean isOutOfCharacter(String expectedVoice, String reply) {
    return !judge(expectedVoice, reply).isInCharacter();
  }

  /** Lower-cased words: runs of letters, digits and apostrophes, edge apostrophes trimmed. */
  static List<String> words(String text) {
    String normal = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace('\u2018', '\'');
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = normal.length();
    while (i < n) {
      int start = i;
      while (i < n && isWordChar(normal.charAt(i))) {
        i++;
      }
      if (i > start) {
        String word = trimApostrophes(normal.substring(start, i));
        if (!word.isEmpty()) {
          out.add(word);
        }
      } else {
        i++;
      }
    }
    return out;
  }

  /** The first phrase (word list) occurring contiguously in {@code words}, or null. */
  static List<String> firstMatch(List<String> words, List<List<String>> phrases) {
    for (List<String> phrase : phrases) {
      if (occurs(words, phrase)) {
        return phrase;
      }
    }
    return null;
  }

  private static boolean occurs(List<String> words, List<String> phrase) {
    outer:
    for (int i = 0; i + phrase.size() <= words.size(); i++) {
      for (int j = 0; j < phrase.size(); j++) {
        if (!words.get(i + j).equals(phrase.get(j))) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '\'';
  }

  private static String trimApostrophes(String word) {
    int a = 0;
    int b = word.length();
    while (a < b && word.charAt(a) == '\'') {
      a++;
    }
    while (b > a && word.charAt(b - 1) == '\'') {
      b--;
    }
    return word.substring(a, b);
  }
}
