package dev.persona4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.persona4j.internal.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keys, sizes, the queue and shutdown, through real HTTP clients. */
class ServerLimitsTest {
  private static final String HELLO = "Ahoy! How's the sea today?";

  private static OpenAIClient sdk(PersonaServer server, String key) {
    return OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey(key).maxRetries(0).build();
  }

  /** A reply that takes many steps unless cut: the longest of 16 hot candidates with room for 250 tokens. */
  private static ChatCompletionCreateParams longReply() {
    return ChatCompletionCreateParams.builder().model("captain").addUserMessage(HELLO).seed(21).temperature(1.6)
        .maxCompletionTokens(250).putAdditionalBodyProperty("best_of", JsonValue.from(16)).build();
  }

  private static HttpResponse<String> post(PersonaServer server, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUri() + "/chat/completions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> response) throws Exception {
    JsonNode error = Json.mapper().readTree(response.body()).get("error");
    for (String field : new String[] {"message", "type", "param", "code"}) {
      assertTrue(error.has(field), "OpenAI's error shape has " + field + ": " + response.body());
    }
    return error;
  }

  @Test
  void malformedAndIncompleteRequestsAreOpenAiShapedBadRequests() throws Exception {
    try (PersonaServer server = DemoPersonas.server().build().start()) {
      HttpResponse<String> malformed = post(server, "{\"model\": \"captain\", \"messages\": [");
      assertEquals(400, malformed.statusCode());
      assertEquals("invalid_json", error(malformed).get("code").asText());

      HttpResponse<String> noMessages = post(server, "{\"model\": \"captain\"}");
      assertEquals(400, noMessages.statusCode());
      assertEquals("messages", error(noMessages).get("param").asText());

      HttpResponse<String> tools = post(server,
          "{\"model\": \"captain\", \"messages\": [{\"role\": \"tool\", \"content\": \"42\"}]}");
      assertEquals(400, tools.statusCode());
      assertEquals("messages[0].role", error(tools).get("param").asText());
      assertTrue(server.stats().errors() >= 3);
    }
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    try (PersonaServer server = DemoPersonas.server().maxRequestBytes(1024).build().start()) {
      String big = "{\"model\": \"captain\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "a".repeat(2000) + "\"}]}";
      HttpResponse<String> response = post(server, big);
      assertEquals(413, response.statusCode());
      assertEquals("request_too_large", error(response).get("code").asText());
    }
  }

  @Test
  void withAKeyEveryRequestMustCarryIt() {
    try (PersonaServer server = DemoPersonas.server().apiKey("s3cret").build().start()) {
      UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> sdk(server, "wrong").models().list());
      assertEquals(401, e.statusCode());
      assertEquals(2, sdk(server, "s3cret").models().list().data().size());
    }
  }

  @Test
  void anyHostButLoopbackNeedsAKey() {
    assertThrows(dev.persona4j.samplers.InvalidSettingException.class,
        () -> PersonaServer.builder().persona("captain", DemoPersonas.captain()).host("0.0.0.0").build());
  }

  @Test
  void aFullQueueAnswers429() {
    try (PersonaServer server = DemoPersonas.server().maxConcurrent(1).queue(0).build().start()) {
      OpenAIClient client = sdk(server, "unused");
      try (StreamResponse<ChatCompletionChunk> busy = client.chat().completions().createStreaming(longReply())) {
        busy.stream().iterator().next(); // decoding has begun: the one generating thread is taken
        RateLimitException e = assertThrows(RateLimitException.class, () -> client.chat().completions().create(longReply()));
        assertEquals(429, e.statusCode());
        assertEquals(1, server.stats().rejected());
      }
    }
  }

  @Test
  void shutdownCancelsRepliesStillRunningAfterTheGraceAndAnswersThem() throws Exception {
    PersonaServer server = DemoPersonas.server().shutdownGrace(Duration.ZERO).build().start();
    OpenAIClient client = sdk(server, "unused");
    CompletableFuture<ChatCompletion> inFlight = CompletableFuture.supplyAsync(() -> client.chat().completions().create(longReply()));
    awaitGenerating(server);
    server.close();
    ChatCompletion cut = inFlight.get(2, TimeUnit.MINUTES);
    assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, cut.choices().get(0).finishReason());
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) cut._additionalProperties().get("persona4j").convert(Map.class);
    assertEquals("CANCELLED", p.get("finish_reason"));
    assertThrows(OpenAIIoException.class, () -> client.models().list(), "no longer listening");
  }

  @Test
  void shutdownLetsRepliesInFlightFinishWithinTheGrace() throws Exception {
    PersonaServer server = DemoPersonas.server().shutdownGrace(Duration.ofMinutes(2)).build().start();
    OpenAIClient client = sdk(server, "unused");
    CompletableFuture<ChatCompletion> inFlight = CompletableFuture.supplyAsync(() -> client.chat().completions().create(longReply()));
    awaitGenerating(server);
    server.close();
    ChatCompletion whole = inFlight.get(2, TimeUnit.MINUTES);
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) whole._additionalProperties().get("persona4j").convert(Map.class);
    assertNotEquals("CANCELLED", p.get("finish_reason"));
  }

  private static void awaitGenerating(PersonaServer server) throws InterruptedException {
    for (int i = 0; i < 1200 && server.stats().generating() == 0; i++) {
      Thread.sleep(10);
    }
    assertEquals(1, server.stats().generating());
  }
}
