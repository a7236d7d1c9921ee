package dev.persona4j.core.prompt;

/** A run of prompt text and the part it came from. */
record Piece(Section.Kind kind, String text) {}
