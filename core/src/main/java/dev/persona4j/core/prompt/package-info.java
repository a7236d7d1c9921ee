/**
 * From persona and {@link dev.persona4j.core.prompt.Conversation} to the exact prompt a model
 * expects: {@link dev.persona4j.core.prompt.PromptAssembler} renders the model's own chat template
 * (or a document framing for base models) in a {@link dev.persona4j.core.prompt.DefinitionStyle},
 * within a token budget, and returns a {@link dev.persona4j.core.prompt.Prompt} whose {@link
 * dev.persona4j.core.prompt.Section}s say which tokens came from where. A prompt that cannot fit is
 * a {@link dev.persona4j.core.prompt.PromptException} saying how many tokens it needs.
 */
package dev.persona4j.core.prompt;
