/**
 * The persona model: a character written explicitly — identity and honest self-knowledge, {@link
 * dev.persona4j.core.persona.Trait}s with examples, {@link dev.persona4j.core.persona.Voice}, values
 * and {@link dev.persona4j.core.persona.Boundary}s, scenario, greetings, {@link
 * dev.persona4j.core.persona.ExampleDialogue}s and a {@link dev.persona4j.core.persona.Lorebook} —
 * as the immutable {@link dev.persona4j.core.persona.Persona}. {@link
 * dev.persona4j.core.persona.PersonaFiles} reads and writes persona4j's YAML/JSON files (validated
 * against the published JSON Schema) and {@link dev.persona4j.core.persona.CharacterCards} imports
 * and exports Character Cards V1/V2/V3 (JSON or PNG) without losing unknown fields; every error is a
 * {@link dev.persona4j.core.persona.PersonaFormatException} naming file, field path, line and column.
 */
package dev.persona4j.core.persona;
