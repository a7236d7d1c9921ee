package dev.persona4j.examples.demo;

import java.util.Locale;

/**
 * What a user turn in the demo corpus is about. Every voice answers every topic; the corpus records
 * the topic so evaluations can be stratified by it.
 */
public enum Topic {
  GREETING, FAREWELL, WEATHER, FOOD, MUSIC, WORK, ADVICE, SLEEP, TRAVEL, BOOKS, WEEKEND, FEELINGS,
  JOKES, HISTORY, SCIENCE, PETS, SPORTS, IDENTITY, BOUNDARY, HOBBIES, FRIENDSHIP, TECHNOLOGY,
  LEARNING, HOME;

  /** The id used in corpus records and phrase banks, e.g. {@code "weather"}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The topic with this id. */
  public static Topic fromId(String id) {
    for (Topic topic : values()) {
      if (topic.id().equals(id)) {
        return topic;
      }
    }
    throw new IllegalArgumentException("unknown topic id: " + id);
  }

  /** Validates a topic id found in a phrase bank, naming the bank when it is unknown. */
  static Topic fromBank(String id, String bank) {
    for (Topic topic : values()) {
      if (topic.id().equals(id)) {
        return topic;
      }
    }
    throw new CorpusException(bank + " bank: unknown topic '" + id + "'");
  }
}
