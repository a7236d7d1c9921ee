package dev.persona4j.examples.demo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One voice's phrase bank, parsed and typed: the marker phrases that identify it, the openers and
 * closers (per topic where the bank overrides them), the topical content and, for character voices,
 * the material a generated persona definition is written from.
 */
final class Voice {
  private final String id;
  private final PhraseBank bank;
  private final List<String> markers;
  private final Map<Topic, List<PhraseTemplate>> openers = new EnumMap<>(Topic.class);
  private final Map<Topic, List<PhraseTemplate>> closers = new EnumMap<>(Topic.class);
  private final Map<Topic, List<PhraseTemplate>> content = new EnumMap<>(Topic.class);

  Voice(String id, PhraseBank bank) {
    this.id = id;
    this.bank = bank;
    this.markers = bank.lines("markers");
    List<PhraseTemplate> defaultOpeners = bank.templates("opener", "");
    List<PhraseTemplate> defaultClosers = bank.has("closer", "") ? bank.templates("closer", "") : List.of();
    for (Topic topic : Topic.values()) {
      openers.put(topic, bank.has("opener", topic.id())
          ? bank.templates("opener", topic.id()) : defaultOpeners);
      closers.put(topic, bank.has("closer", topic.id())
          ? bank.templates("closer", topic.id()) : defaultClosers);
      content.put(topic, bank.templates("topic", topic.id()));
    }
    for (String argument : bank.arguments("topic")) {
      Topic.fromBank(argument, bank.name());
    }
  }

  String id() {
    return id;
  }

  PhraseBank bank() {
    return bank;
  }

  List<String> markers() {
    return markers;
  }

  List<PhraseTemplate> openers(Topic topic) {
    return openers.get(topic);
  }

  List<PhraseTemplate> closers(Topic topic) {
    return closers.get(topic);
  }

  List<PhraseTemplate> content(Topic topic) {
    return content.get(topic);
  }

  /** The content lines that may answer a user turn with this tag (null: any line). */
  List<PhraseTemplate> content(Topic topic, String tag) {
    List<PhraseTemplate> all = content.get(topic);
    if (tag == null) {
      return all;
    }
    List<PhraseTemplate> out = new ArrayList<>();
    for (PhraseTemplate t : all) {
      if (t.answers(tag)) {
        out.add(t);
      }
    }
    return out;
  }

  /** Every template of this voice's replies (openers, closers, content), for validation. */
  List<PhraseTemplate> allReplyTemplates() {
    List<PhraseTemplate> out = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      for (List<PhraseTemplate> list : List.of(openers(topic), closers(topic), content(topic))) {
        for (PhraseTemplate t : list) {
          if (!out.contains(t)) {
            out.add(t);
          }
        }
      }
    }
    return out;
  }

  /** The example persona's fixed facts: name, nickname, place, companion, quirk. */
  Map<String, String> exampleFacts() {
    return bank.keyValues("example");
  }

  List<String> places() {
    return bank.lines("places");
  }

  String text(String section) {
    return bank.text(section);
  }

  List<String> lines(String section) {
    return bank.lines(section);
  }

  List<String> lines(String section, String argument) {
    return bank.lines(section, argument);
  }

  List<String> arguments(String section) {
    return bank.arguments(section);
  }

  @Override
  public String toString() {
    return "Voice[" + id + "]";
  }
}
