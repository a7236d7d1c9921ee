/** An OpenAI-compatible chat-completions server: each loaded persona is a model. */
package dev.persona4j.server;
