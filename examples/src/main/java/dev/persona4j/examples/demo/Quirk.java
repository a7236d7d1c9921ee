package dev.persona4j.examples.demo;

import java.util.List;

/**
 * A small habit of a persona: {@code description} completes "{nick} ..." in the definition, and
 * {@code asides} are lines a reply may carry now and then, so the habit shows in the corpus.
 */
record Quirk(String id, String description, List<PhraseTemplate> asides) {
  Quirk {
    asides = List.copyOf(asides);
  }
}
