/**
 * Text to token ids and back, and chat templates: {@link dev.persona4j.tokenizers.Tokenizer} reads a
 * Hugging Face {@code tokenizer.json} with its {@code tokenizer_config.json} (special tokens, bos/eos,
 * no truncation); {@link dev.persona4j.tokenizers.IncrementalDecoder} turns a stream of ids into text
 * without ever emitting half a character; {@link dev.persona4j.tokenizers.ChatTemplate} renders a
 * model's Jinja chat template over {@link dev.persona4j.tokenizers.ChatMessage}s with transformers'
 * semantics (whitespace control, {@code raise_exception} as a {@link
 * dev.persona4j.tokenizers.TemplateException}).
 */
package dev.persona4j.tokenizers;
