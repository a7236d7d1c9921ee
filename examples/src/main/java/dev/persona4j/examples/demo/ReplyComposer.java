package dev.persona4j.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds replies and user turns from the phrase banks. A character reply is an optional opener,
 * one or two topical lines, now and then a quirk aside, and an optional closer; at least one of
 * opener and closer is always present, which is what makes every reply carry its voice's marker.
 * Replies are kept to {@value #MIN_WORDS}-{@value #MAX_WORDS} words by redrawing.
 */
final class ReplyComposer {
  static final int MIN_WORDS = 15;
  static final int MAX_WORDS = 45;
  private static final double P_OPENER = 0.7;
  private static final double P_CLOSER = 0.6;
  private static final double P_SECOND_LINE = 0.2;
  private static final double P_ASIDE = 0.12;
  private static final double P_GENERIC_CLOSER = 0.5;
  private static final int ATTEMPTS = 200;

  private final Voices voices;

  ReplyComposer(Voices voices) {
    this.voices = voices;
  }

  /** A reply in {@code voice}, answering a user turn with {@code tag} (null: untagged). */
  String characterReply(Voice voice, Map<String, String> slots, Quirk quirk, Topic topic,
      String tag, SplittableRandom rng) {
    List<PhraseTemplate> content = voice.content(topic, tag);
    boolean asidesAllowed = quirk != null && topic != Topic.BOUNDARY && topic != Topic.IDENTITY;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      boolean opener = rng.nextDouble() < P_OPENER;
      boolean closer = rng.nextDouble() < P_CLOSER;
      if (!opener && !closer) {
        if (rng.nextBoolean()) {
          opener = true;
        } else {
          closer = true;
        }
      }
      List<String> parts = new ArrayList<>();
      if (opener) {
        parts.add(pick(voice.openers(topic), rng).expand(rng, slots));
      }
      int first = rng.nextInt(content.size());
      parts.add(content.get(first).expand(rng, slots));
      if (content.size() > 1 && rng.nextDouble() < P_SECOND_LINE) {
        int second = rng.nextInt(content.size() - 1);
        if (second >= first) {
          second++;
        }
        parts.add(content.get(second).expand(rng, slots));
      }
      if (asidesAllowed && rng.nextDouble() < P_ASIDE) {
        parts.add(pick(quirk.asides(), rng).expand(rng, slots));
      }
      if (closer) {
        parts.add(pick(voice.closers(topic), rng).expand(rng, slots));
      }
      String reply = String.join(" ", parts);
      if (inRange(reply)) {
        return reply;
      }
    }
    throw new CorpusException("could not compose a " + voice.id() + " reply on " + topic.id()
        + " within " + MIN_WORDS + "-" + MAX_WORDS + " words");
  }

  /** A reply in the generic assistant voice: always an opener, so always a marker. */
  String genericReply(Topic topic, String tag, SplittableRandom rng) {
    Voice generic = voices.generic();
    List<PhraseTemplate> content = generic.content(topic, tag);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      List<String> parts = new ArrayList<>();
      parts.add(pick(generic.openers(topic), rng).expand(rng, Map.of()));
      int first = rng.nextInt(content.size());
      parts.add(content.get(first).expand(rng, Map.of()));
      if (content.size() > 1 && rng.nextDouble() < P_SECOND_LINE) {
        int second = rng.nextInt(content.size() - 1);
        if (second >= first) {
          second++;
        }
        parts.add(content.get(second).expand(rng, Map.of()));
      }
      if (rng.nextDouble() < P_GENERIC_CLOSER) {
        parts.add(pick(generic.closers(topic), rng).expand(rng, Map.of()));
      }
      String reply = String.join(" ", parts);
      if (inRange(reply)) {
        return reply;
      }
    }
    throw new CorpusException("could not compose a generic reply on " + topic.id());
  }

  UserTurn userTurn(Topic topic, Map<String, String> slots, SplittableRandom rng) {
    PhraseTemplate line = pick(voices.userTurns(topic), rng);
    String tag = line.tags().isEmpty() ? null : line.tags().iterator().next();
    return new UserTurn(line.expand(rng, slots), tag);
  }

  static int wordCount(String text) {
    String stripped = text.strip();
    return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
  }

  private static boolean inRange(String reply) {
    int words = wordCount(reply);
    return words >= MIN_WORDS && words <= MAX_WORDS;
  }

  private static <T> T pick(List<T> list, SplittableRandom rng) {
    return list.get(rng.nextInt(list.size()));
  }
}
