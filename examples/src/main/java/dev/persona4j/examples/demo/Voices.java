package dev.persona4j.examples.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The four character voices, the generic assistant voice, the user turns and the persona pools
 * (phrase banks bundled as resource files under {@code banks/}, format: {@link PhraseBank}), parsed
 * once and validated so that {@link DriftDetector} is exact on the generator's labels:
 * every opener and closer of a voice carries one of its own markers, and no line of any voice, no
 * quirk and no name or place carries another voice's or the generic voice's marker.
 */
final class Voices {
  /** Character voice ids, which are also the ids of the four example personas. */
  static final List<String> IDS = List.of("captain", "naturalist", "gardener", "detective");
  static final String GENERIC = "generic_assistant";
  /** What users say, by topic; {@code {nick}} is the character's short name. */
  static final String USER_TURNS = "user-turns";
  /** Names, companions and quirks for generated personas. */
  static final String PERSONA_POOLS = "persona-pools";

  private static Voices standard;

  private final Map<String, Voice> voices = new LinkedHashMap<>();
  private final Voice generic;
  private final PhraseBank users;
  private final PhraseBank pools;
  private final Map<String, Quirk> quirks = new LinkedHashMap<>();
  private final Map<String, List<List<String>>> markerWords = new LinkedHashMap<>();
  private final Map<Topic, List<PhraseTemplate>> userTurns = new EnumMap<>(Topic.class);

  private Voices(Map<String, String> characterBanks, String genericBank, String userBank,
      String poolBank) {
    if (!List.copyOf(characterBanks.keySet()).equals(IDS)) {
      throw new IllegalArgumentException("character banks must be " + IDS + ", got "
          + characterBanks.keySet());
    }
    characterBanks.forEach((id, text) -> voices.put(id, new Voice(id, PhraseBank.parse(id, text))));
    generic = new Voice(GENERIC, PhraseBank.parse(GENERIC, genericBank));
    users = PhraseBank.parse("user turns", userBank);
    pools = PhraseBank.parse("persona pools", poolBank);
    for (String id : pools.arguments("quirk")) {
      List<String> lines = pools.lines("quirk", id);
      if (lines.size() < 2) {
        throw new CorpusException("persona pools bank: @quirk " + id
            + " needs a description line and at least one aside");
      }
      List<PhraseTemplate> asides = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        asides.add(PhraseTemplate.parse(line, "persona pools @quirk " + id));
      }
      quirks.put(id, new Quirk(id, lines.get(0), asides));
    }
    for (Voice voice : voices.values()) {
      markerWords.put(voice.id(), toWords(voice.markers()));
    }
    markerWords.put(GENERIC, toWords(generic.markers()));
    for (Topic topic : Topic.values()) {
      userTurns.put(topic, users.templates("topic", topic.id()));
    }
  }

  /** The bundled banks, parsed and validated once. */
  static synchronized Voices standard() {
    if (standard == null) {
      Map<String, String> banks = new LinkedHashMap<>();
      for (String id : IDS) {
        banks.put(id, bundledBank(id));
      }
      standard = parse(banks, bundledBank(GENERIC), bundledBank(USER_TURNS),
          bundledBank(PERSONA_POOLS));
    }
    return standard;
  }

  /**
   * The text of a bundled bank: {@code banks/<name>.txt} beside this class (a voice id,
   * {@link #GENERIC}, {@link #USER_TURNS} or {@link #PERSONA_POOLS}).
   */
  static String bundledBank(String name) {
    String resource = "banks/" + name + ".txt";
    try (InputStream in = Voices.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new CorpusException("phrase bank resource " + resource + " is missing from the "
            + "classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot read phrase bank resource " + resource + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Parses and validates a set of banks (character banks keyed by {@link #IDS}, in that order).
   *
   * @throws CorpusException listing every problem found
   */
  static Voices parse(Map<String, String> characterBanks, String genericBank, String userBank,
      String poolBank) {
    Voices parsed = new Voices(characterBanks, genericBank, userBank, poolBank);
    parsed.validate();
    return parsed;
  }

  Voice voice(String id) {
    Voice voice = voices.get(id);
    if (voice == null) {
      throw new IllegalArgumentException("unknown voice '" + id + "' (known: " + IDS + ")");
    }
    return voice;
  }

  List<Voice> characterVoices() {
    return List.copyOf(voices.values());
  }

  Voice generic() {
    return generic;
  }

  List<PhraseTemplate> userTurns(Topic topic) {
    return userTurns.get(topic);
  }

  PhraseBank pools() {
    return pools;
  }

  Quirk quirk(String id) {
    Quirk quirk = quirks.get(id);
    if (quirk == null) {
      throw new IllegalArgumentException("unknown quirk '" + id + "' (known: " + quirks.keySet()
          + ")");
    }
    return quirk;
  }

  List<Quirk> quirks() {
    return List.copyOf(quirks.values());
  }

  /** Marker phrases as word sequences, by voice id (including {@link #GENERIC}). */
  Map<String, List<List<String>>> markerWords() {
    return markerWords;
  }

  private static List<List<String>> toWords(List<String> phrases) {
    List<List<String>> out = new ArrayList<>();
    for (String phrase : phrases) {
      List<String> words = DriftDetector.words(phrase);
      if (words.isEmpty()) {
        throw new CorpusException("marker phrase without words: '" + phrase + "'");
      }
      out.add(words);
    }
    return out;
  }

  /** Slot values for a voice's example persona. */
  Map<String, String> exampleSlots(Voice voice) {
    Map<String, String> facts = voice.exampleFacts();
    Map<String, String> slots = new LinkedHashMap<>();
    slots.put("name", facts.get("name"));
    slots.put("nick", facts.get("nickname"));
    slots.put("place", facts.get("place"));
    slots.put("companion", facts.get("companion"));
    for (Map.Entry<String, String> e : slots.entrySet()) {
      if (e.getValue() == null) {
        throw new CorpusException(voice.id() + " bank: @example lacks '"
            + (e.getKey().equals("nick") ? "nickname" : e.getKey()) + "'");
      }
    }
    return slots;
  }

  private void validate() {
    problems.clear();
    checkBanks();
    if (!problems.isEmpty()) {
      throw new CorpusException("phrase banks are inconsistent with the drift detector ("
          + problems.size() + " problems):\n  " + String.join("\n  ", problems));
    }
  }

  private final Set<String> problems = new LinkedHashSet<>();

  private void checkBanks() {
    for (Voice voice : voices.values()) {
      Map<String, String> slots = exampleSlots(voice);
      quirk(voice.exampleFacts().getOrDefault("quirk", ""));
      for (Topic topic : Topic.values()) {
        if (voice.content(topic).size() < 4) {
          problems.add(voice.id() + " bank: @topic " + topic.id() + " needs at least 4 lines");
        }
        for (PhraseTemplate t : voice.openers(topic)) {
          requireOwnMarker(voice.id(), t, slots);
        }
        for (PhraseTemplate t : voice.closers(topic)) {
          requireOwnMarker(voice.id(), t, slots);
        }
      }
      for (PhraseTemplate t : voice.allReplyTemplates()) {
        for (String text : t.allExpansions(slots)) {
          requireNoForeignMarker(voice.id(), text, t.origin());
        }
      }
      for (String place : voice.places()) {
        requireNoForeignMarker(null, place, voice.id() + " @places");
      }
      for (String value : slots.values()) {
        requireNoForeignMarker(null, value, voice.id() + " @example");
      }
    }
    for (Topic topic : Topic.values()) {
      for (PhraseTemplate t : generic.openers(topic)) {
        requireOwnMarker(GENERIC, t, Map.of());
      }
      checkTags(topic);
    }
    for (PhraseTemplate t : generic.allReplyTemplates()) {
      for (String text : t.allExpansions(Map.of())) {
        requireNoForeignMarker(GENERIC, text, t.origin());
      }
    }
    for (Quirk quirk : quirks.values()) {
      requireNoForeignMarker(null, quirk.description(), "quirk " + quirk.id());
      for (PhraseTemplate t : quirk.asides()) {
        for (String text : t.allExpansions(Map.of())) {
          requireNoForeignMarker(null, text, t.origin());
        }
      }
    }
    for (String section : List.of("first-names", "last-names", "companions")) {
      for (String value : pools.lines(section)) {
        requireNoForeignMarker(null, value, "persona pools @" + section);
      }
    }
  }

  /** Every user tag is answerable by every voice; every content tag is asked by some user line. */
  private void checkTags(Topic topic) {
    Set<String> asked = new LinkedHashSet<>();
    for (PhraseTemplate t : userTurns.get(topic)) {
      if (t.tags().size() > 1) {
        problems.add("user turns @topic " + topic.id() + ": a user line takes one tag: " + t);
      }
      asked.addAll(t.tags());
    }
    List<Voice> all = new ArrayList<>(voices.values());
    all.add(generic);
    for (Voice voice : all) {
      int minimum = voice == generic ? 1 : 2;
      for (String tag : asked) {
        if (voice.content(topic, tag).size() < minimum) {
          problems.add(voice.id() + " bank: @topic " + topic.id() + " has fewer than " + minimum
              + " lines answering tag (" + tag + ")");
        }
      }
      for (PhraseTemplate t : voice.content(topic)) {
        for (String tag : t.tags()) {
          if (!asked.contains(tag)) {
            problems.add(voice.id() + " bank: @topic " + topic.id() + " tag (" + tag
                + ") is asked by no user line: " + t);
          }
        }
      }
    }
  }

  private void requireOwnMarker(String voiceId, PhraseTemplate t, Map<String, String> slots) {
    for (String text : t.allExpansions(slots)) {
      if (DriftDetector.firstMatch(DriftDetector.words(text), markerWords.get(voiceId)) == null) {
        problems.add(t.origin() + ": carries none of the " + voiceId
            + " markers, so the detector could not recognise it: " + text);
      }
    }
  }

  /** Fails if the text carries a marker of any voice other than {@code ownVoice} (null: any). */
  private void requireNoForeignMarker(String ownVoice, String text, String origin) {
    List<String> words = DriftDetector.words(text);
    for (Map.Entry<String, List<List<String>>> e : markerWords.entrySet()) {
      if (e.getKey().equals(ownVoice)) {
        continue;
      }
      List<String> hit = DriftDetector.firstMatch(words, e.getValue());
      if (hit != null) {
        problems.add(origin + ": carries the " + e.getKey() + " marker '"
            + String.join(" ", hit) + "': " + text);
      }
    }
  }
}
