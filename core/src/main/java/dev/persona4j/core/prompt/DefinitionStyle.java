package dev.persona4j.core.prompt;

/**
 * How much of the persona definition a prompt carries.
 *
 * <p>{@link #FULL} (the default) is everything the persona file says: identity, self-knowledge,
 * description, traits with examples, voice, values, boundaries, scenario and example dialogues, which
 * for a rich persona is a thousand tokens or more. {@link #COMPACT} is a few sentences for small models
 * with short contexts: the name (and nickname), the one-line personality, the first sentence of the voice
 * style and the catchphrases, presented honestly as a character. Compact prompts leave the example
 * dialogues and the lorebook out (lore would make the system text change from turn to turn); the
 * persona's system prompt ({@code {{original}}} standing for the compact text) and post-history
 * instructions still apply. What a compact prompt leaves out is listed in {@link Prompt#omitted()}.
 */
public enum DefinitionStyle {
  /** The whole persona definition (the default). */
  FULL,
  /** A short character sketch for small models. */
  COMPACT
}
