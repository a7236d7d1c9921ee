package dev.persona4j.training.calibration;

import dev.persona4j.core.heads.CandidateActivations;
import java.util.Locale;
import java.util.Objects;

/**
 * One calibration example: a reply placed after the calibrated persona's prompt for a user message,
 * with the activations of the reply's tokens at the swept layers and its label.
 *
 * @param persona the calibrated persona's name (whose prompt the reply follows)
 * @param source where the reply comes from, which fixes its label
 * @param user the user message the prompt ends with
 * @param reply the reply's text, which keys the train/held-out split
 * @param activations the reply tokens' activations at the swept layers
 */
record ContrastExample(String persona, Source source, String user, String reply, CandidateActivations activations) {
  ContrastExample {
    Objects.requireNonNull(persona, "persona");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(activations, "activations");
  }

  /** 1 in character, 0 out of character. */
  int label() {
    return source.inCharacter ? 1 : 0;
  }

  /** The five contrast sets, in report order. */
  enum Source {
    /** The persona's own written texts: example dialogue replies, greetings, trait examples, boundary responses. */
    IN_VOICE(true),
    /** The model's replies generated under the persona's prompt. */
    GENERATED_IN_CHARACTER(true),
    /** The bundled generic-assistant replies. */
    GENERIC_ASSISTANT(false),
    /** Other personas' in-voice texts: the other calibrated personas and the bundled contrast personas. */
    OTHER_PERSONAS(false),
    /** The model's replies generated under a neutral assistant prompt. */
    GENERATED_NEUTRAL(false);

    final boolean inCharacter;

    Source(boolean inCharacter) {
      this.inCharacter = inCharacter;
    }

    /** The report's name: {@code in_voice}, {@code generated_neutral}, ... */
    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
