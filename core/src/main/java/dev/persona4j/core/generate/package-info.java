/**
 * The generator applications call: {@link dev.persona4j.core.generate.PersonaGenerator} (immutable,
 * thread-safe) assembles the prompt, decodes N candidates as one batch with the activations of the
 * tapped layers captured in the same pass, scores them with classifier heads and keeps one by its
 * selection policy, returning a {@link dev.persona4j.core.generate.Reply} with every candidate, its
 * scores and the selection's explanation, and {@link dev.persona4j.core.generate.Timings}. Per call,
 * {@link dev.persona4j.core.generate.ReplyOptions} carry streaming ({@link
 * dev.persona4j.core.generate.ReplyListener}), cancellation and a deadline.
 */
package dev.persona4j.core.generate;
