package dev.persona4j.tokenizers.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.persona4j.tokenizers.ChatMessage;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.TemplateException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz target: any text as a chat template, compiled and rendered over a short conversation. Only
 * {@link TemplateException} may come out: no StackOverflowError, no unbounded render.
 */
class ChatTemplateFuzzTest {
  private static final List<ChatMessage> CONVERSATION = List.of(ChatMessage.system("Be brief."),
      ChatMessage.user("Hello!"), ChatMessage.assistant("Ahoy."), ChatMessage.user("How is the sea?"));

  @FuzzTest
  void fuzz(byte[] data) {
    try {
      ChatTemplate.compile(new String(data, StandardCharsets.UTF_8)).render(CONVERSATION, true, "<s>", "</s>");
    } catch (TemplateException e) {
      // a typed error: syntax, a raised exception or a limit
    }
  }
}
