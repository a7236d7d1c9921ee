package dev.persona4j.examples.demo;

import java.util.Objects;

/**
 * One exchange of the demo corpus: a user turn and the character's reply, labelled.
 *
 * @param persona the persona id (an example id such as {@code captain}, or {@code gen-07})
 * @param voice the voice the persona should speak in (an example persona id)
 * @param user the user's message
 * @param reply the character's reply
 * @param label whether the reply is in character, and if not, which voice it fell into
 * @param topic what the user turn is about
 */
public record CorpusExample(String persona, String voice, String user, String reply,
    DriftLabel label, Topic topic) {
  public CorpusExample {
    Objects.requireNonNull(persona, "persona");
    Objects.requireNonNull(voice, "voice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(topic, "topic");
  }
}
