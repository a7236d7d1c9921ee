package dev.persona4j.examples.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts over a {@link Corpus}.
 *
 * @param examples number of examples
 * @param personas number of personas (example and generated)
 * @param topics number of distinct topics
 * @param distinctReplies number of distinct reply texts
 * @param distinctUserTurns number of distinct user texts
 * @param labelShares share of examples per label kind: in_character, generic_assistant,
 *     other_persona
 * @param meanReplyWords mean words per reply (whitespace-separated)
 * @param minReplyWords shortest reply, in words
 * @param maxReplyWords longest reply, in words
 * @param distinctInCharacterRepliesByPersona distinct in-character replies, by persona id
 * @param minDistinctInCharacterRepliesPerPersonaTopic the smallest number of distinct in-character
 *     replies over all persona x topic cells
 */
public record CorpusStatistics(int examples, int personas, int topics, int distinctReplies,
    int distinctUserTurns, Map<String, Double> labelShares, double meanReplyWords,
    int minReplyWords, int maxReplyWords, Map<String, Integer> distinctInCharacterRepliesByPersona,
    int minDistinctInCharacterRepliesPerPersonaTopic) {
  public CorpusStatistics {
    // Copies that keep the caller's order (label kinds, personas as listed in the corpus).
    labelShares = Collections.unmodifiableMap(new LinkedHashMap<>(labelShares));
    distinctInCharacterRepliesByPersona =
        Collections.unmodifiableMap(new LinkedHashMap<>(distinctInCharacterRepliesByPersona));
  }

  /** A few human-readable lines. */
  public String summary() {
    return String.format(
        "examples %d, personas %d, topics %d%n"
            + "distinct replies %d, distinct user turns %d%n"
            + "labels: in_character %.3f, generic_assistant %.3f, other_persona %.3f%n"
            + "reply words: mean %.1f, min %d, max %d%n"
            + "min distinct in-character replies per persona x topic: %d",
        examples, personas, topics, distinctReplies, distinctUserTurns,
        labelShares.getOrDefault("in_character", 0.0),
        labelShares.getOrDefault("generic_assistant", 0.0),
        labelShares.getOrDefault("other_persona", 0.0), meanReplyWords, minReplyWords,
        maxReplyWords, minDistinctInCharacterRepliesPerPersonaTopic);
  }
}
