/** LangChain4j's chat-model interfaces implemented over a {@code PersonaGenerator}. */
package dev.persona4j.langchain4j;
