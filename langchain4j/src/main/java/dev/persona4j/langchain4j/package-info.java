/**
 * LangChain4j's chat-model interfaces implemented over a {@code PersonaGenerator}:
 * {@link dev.persona4j.langchain4j.PersonaChatModel} and {@link dev.persona4j.langchain4j.PersonaStreamingChatModel},
 * with {@link dev.persona4j.langchain4j.PersonaChatRequestParameters} (a seed and the number of candidates per
 * request) and {@link dev.persona4j.langchain4j.PersonaChatResponseMetadata} (every candidate with its head scores
 * and the explanation of the choice).
 */
package dev.persona4j.langchain4j;
