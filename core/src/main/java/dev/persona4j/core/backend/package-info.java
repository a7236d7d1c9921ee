/**
 * The backend SPI: {@link dev.persona4j.core.backend.Backends#load} finds a {@link
 * dev.persona4j.core.backend.Backend} with {@link java.util.ServiceLoader} and returns a {@link
 * dev.persona4j.core.backend.LanguageModel}; a {@link dev.persona4j.core.backend.DecodingState}
 * prefills, forks, steps and releases sequences over a KV cache, returning logits and the
 * requested hidden states ({@link dev.persona4j.core.backend.ForwardRequest}, transformers'
 * output_hidden_states indexing) of each pass.
 */
package dev.persona4j.core.backend;
