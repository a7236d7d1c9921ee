package dev.persona4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The server driven by LangChain4j's OpenAI chat models, on the bundled demo model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChain4jClientTest {
  private static final String HELLO = "Ahoy! How's the sea today?";
  private PersonaServer server;

  @BeforeAll
  void start() {
    server = DemoPersonas.server().build().start();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OpenAiChatModel chatModel(String persona) {
    return OpenAiChatModel.builder().baseUrl(server.baseUri().toString()).apiKey("unused").modelName(persona)
        .seed(7).maxTokens(40).maxRetries(0).timeout(Duration.ofMinutes(1)).build();
  }

  @Test
  void chatModelGetsTheSameReplyAsTheOpenAiSdkForTheSameSeed() {
    ChatResponse response = chatModel("captain").chat(ChatRequest.builder().messages(UserMessage.from(HELLO)).build());
    String text = response.aiMessage().text();
    assertFalse(text.isBlank());
    assertTrue(response.tokenUsage().inputTokenCount() > 20);
    assertTrue(response.tokenUsage().outputTokenCount() > 0);
    assertTrue(List.of(FinishReason.STOP, FinishReason.LENGTH).contains(response.finishReason()));

    OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey("unused").maxRetries(0).build();
    String viaSdk = sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("captain").addUserMessage(HELLO)
        .seed(7).maxTokens(40).build()).choices().get(0).message().content().orElseThrow();
    assertEquals(viaSdk, text);
  }

  @Test
  void streamingChatModelStreamsTheSameReply() throws Exception {
    OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(server.baseUri().toString())
        .apiKey("unused").modelName("detective").seed(13).maxTokens(40).timeout(Duration.ofMinutes(1))
        .customParameters(java.util.Map.of("best_of", 1)).build();
    List<String> pieces = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    ChatRequest request = ChatRequest.builder()
        .messages(SystemMessage.from("Keep it brief."), UserMessage.from("Who took the silver spoon?")).build();
    streaming.chat(request, new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partial) {
        pieces.add(partial);
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    });
    ChatResponse complete = done.get(2, TimeUnit.MINUTES);
    assertTrue(pieces.size() >= 5, "several partial responses: " + pieces);
    assertEquals(String.join("", pieces), complete.aiMessage().text());

    OpenAiChatModel blocking = OpenAiChatModel.builder().baseUrl(server.baseUri().toString()).apiKey("unused")
        .modelName("detective").seed(13).maxTokens(40).maxRetries(0).customParameters(java.util.Map.of("best_of", 1)).build();
    assertEquals(blocking.chat(request).aiMessage().text(), complete.aiMessage().text());
  }

  @Test
  void unknownPersonaFailsTheLangChain4jCall() {
    Exception e = assertThrows(Exception.class, () -> chatModel("pirate").chat("Hello"));
    assertTrue(e.getMessage().contains("model_not_found") || e.getMessage().contains("does not exist"), e.getMessage());
  }
}
