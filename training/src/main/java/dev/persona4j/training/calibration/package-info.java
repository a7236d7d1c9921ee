/**
 * Persona calibration: in-character heads for any model and persona, trained with no user labelling
 * from contrast data placed after the persona's own assembled prompt and a user message.
 *
 * <p>The model-independent half of that data is bundled with this package, all of it written for
 * persona4j (Apache-2.0 like the project) and none of it taken from the demo corpus: a bank of
 * generic-assistant replies (the voice characters drift into), contrast personas with voices unlike
 * the example personas, and everyday user messages that prompt the model's own replies. The persona's
 * own in-voice text (example dialogue replies, greetings, trait examples, boundary responses) is the
 * in-character half that needs no model.
 */
package dev.persona4j.training.calibration;
