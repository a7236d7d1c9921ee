package dev.persona4j.examples.demo;

/**
 * A user's message and the tag of the bank line it came from (null when untagged), which narrows
 * the reply lines that may answer it.
 */
record UserTurn(String text, String tag) {}
