package dev.persona4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The server driven by the official OpenAI Java SDK, on the bundled demo model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiSdkTest {
  private static final String HELLO = "Ahoy! How's the sea today?";
  private PersonaServer server;
  private OpenAIClient client;

  @BeforeAll
  void start() {
    server = DemoPersonas.server().build().start();
    client = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey("unused").maxRetries(0).build();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ChatCompletionCreateParams.Builder ask(String persona, String message) {
    return ChatCompletionCreateParams.builder().model(persona).addUserMessage(message);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> persona4j(Map<String, JsonValue> extra) {
    return (Map<String, Object>) extra.get("persona4j").convert(Map.class);
  }

  @Test
  void listsThePersonasAsModels() {
    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertEquals(List.of("captain", "detective"), ids);
    assertEquals("detective", client.models().retrieve("detective").id());
  }

  @Test
  void plainCompletionIsBestOfEightByTheHeadsWithEveryCandidateAndRealUsage() {
    ChatCompletion completion = client.chat().completions().create(ask("captain", HELLO).seed(7).maxCompletionTokens(48).build());
    assertEquals(1, completion.choices().size());
    String text = completion.choices().get(0).message().content().orElseThrow();
    assertFalse(text.isBlank());
    Map<String, Object> p = persona4j(completion._additionalProperties());
    List<Map<String, Object>> candidates = (List<Map<String, Object>>) p.get("candidates");
    assertEquals(8, candidates.size(), "the demo profile's best of 8");
    assertEquals("best-of-n", p.get("rule"));
    Map<String, Object> chosen = candidates.stream().filter(c -> c.get("index").equals(p.get("chosen"))).findFirst().orElseThrow();
    assertEquals(text, chosen.get("text"));
    double best = candidates.stream().mapToDouble(c -> ((Number) c.get("score")).doubleValue()).max().orElseThrow();
    assertEquals(best, ((Number) chosen.get("score")).doubleValue(), "the chosen candidate has the best score");
    assertTrue(((Map<String, Object>) chosen.get("scores")).containsKey("in_character"));
    long decoded = candidates.stream().mapToLong(c -> ((Number) c.get("tokens")).longValue()).sum();
    assertEquals(decoded, completion.usage().orElseThrow().completionTokens(), "usage counts every candidate decoded");
    assertTrue(completion.usage().orElseThrow().promptTokens() > 20);
    assertTrue(candidates.stream().allMatch(c -> ((Number) c.get("tokens")).intValue() <= 48));
  }

  @Test
  void systemMessagesBecomeExtraInstructionsInThePrompt() {
    ChatCompletionCreateParams.Builder plain = ask("captain", HELLO).seed(3).maxCompletionTokens(8)
        .putAdditionalBodyProperty("best_of", JsonValue.from(1));
    long without = client.chat().completions().create(plain.build()).usage().orElseThrow().promptTokens();
    String instructions = "Answer in one short sentence, and mention the knots you tie.";
    long with = client.chat().completions().create(plain.addSystemMessage(instructions).build())
        .usage().orElseThrow().promptTokens();
    assertTrue(with > without + 8, "the prompt grew by the instructions: " + without + " -> " + with + " tokens");
  }

  private String streamed(ChatCompletionCreateParams params, List<String> pieces) {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(c -> {
        if (!c.isEmpty()) {
          pieces.add(c);
          text.append(c);
        }
      })));
    }
    return text.toString();
  }

  @Test
  void streamedOneCandidateArrivesTokenByTokenAndEqualsTheReplyForTheSameSeed() {
    ChatCompletionCreateParams params = ask("captain", HELLO).seed(11).maxCompletionTokens(40)
        .putAdditionalBodyProperty("best_of", JsonValue.from(1)).build();
    String whole = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
    List<String> pieces = new ArrayList<>();
    assertEquals(whole, streamed(params, pieces));
    assertTrue(pieces.size() >= 5, "several content chunks, got " + pieces);
  }

  @Test
  void streamedBestOfEightSendsTheChosenReplyItWouldHaveReturned() {
    ChatCompletionCreateParams params = ask("detective", "Who took the silver spoon?").seed(5).maxCompletionTokens(40).build();
    String whole = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
    List<String> pieces = new ArrayList<>();
    assertEquals(whole, streamed(params, pieces));
  }

  @Test
  void nChoicesAreTheBestCandidatesChosenFirst() {
    ChatCompletion completion = client.chat().completions().create(ask("captain", HELLO).seed(9).n(3).maxCompletionTokens(32).build());
    assertEquals(3, completion.choices().size());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, completion.choices().get(i).index());
    }
    Map<String, Object> p = persona4j(completion._additionalProperties());
    assertEquals(8, ((List<?>) p.get("candidates")).size());
    ChatCompletion alone = client.chat().completions().create(ask("captain", HELLO).seed(9).maxCompletionTokens(32).build());
    assertEquals(alone.choices().get(0).message().content(), completion.choices().get(0).message().content(),
        "choice 0 is the reply n = 1 gives");
  }

  @Test
  void stopStringsCutTheReplyBeforeThem() {
    ChatCompletionCreateParams.Builder greedy = ask("captain", HELLO).temperature(0.0).maxCompletionTokens(40)
        .putAdditionalBodyProperty("best_of", JsonValue.from(1));
    String full = client.chat().completions().create(greedy.build()).choices().get(0).message().content().orElseThrow();
    String[] words = full.strip().split("\\s+");
    assertTrue(words.length >= 4, full);
    String stop = " " + words[3];
    int at = full.indexOf(stop);
    ChatCompletion cut = client.chat().completions().create(greedy.stop(stop).build());
    assertEquals(full.substring(0, at), cut.choices().get(0).message().content().orElseThrow());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, cut.choices().get(0).finishReason());
  }

  @Test
  void temperatureZeroGivesTheGreedyReplyWhateverTheSeed() {
    ChatCompletionCreateParams.Builder greedy = ask("captain", HELLO).temperature(0.0).maxCompletionTokens(24)
        .putAdditionalBodyProperty("best_of", JsonValue.from(1));
    String a = client.chat().completions().create(greedy.seed(1).build()).choices().get(0).message().content().orElseThrow();
    String b = client.chat().completions().create(greedy.seed(2).build()).choices().get(0).message().content().orElseThrow();
    assertEquals(a, b);
    ChatCompletionCreateParams.Builder hot = ask("captain", HELLO).temperature(1.5).maxCompletionTokens(24)
        .putAdditionalBodyProperty("best_of", JsonValue.from(1));
    String c = client.chat().completions().create(hot.seed(1).build()).choices().get(0).message().content().orElseThrow();
    String d = client.chat().completions().create(hot.seed(2).build()).choices().get(0).message().content().orElseThrow();
    assertNotEquals(c, d, "sampled replies follow the seed");
  }

  @Test
  void unknownPersonaIsAnOpenAiNotFound() {
    NotFoundException e = assertThrows(NotFoundException.class,
        () -> client.chat().completions().create(ask("pirate", HELLO).build()));
    assertEquals(404, e.statusCode());
    assertEquals(Optional.of("model_not_found"), e.code());
    assertEquals(Optional.of("model"), e.param());
    assertTrue(e.getMessage().contains("captain"), e.getMessage());
  }

  @Test
  void negativeTemperatureIsAnOpenAiBadRequestNamingTheParameter() {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> client.chat().completions().create(ask("captain", HELLO).temperature(-0.5).build()));
    assertEquals(400, e.statusCode());
    assertEquals(Optional.of("temperature"), e.param());
    assertEquals(Optional.of("invalid_request_error"), e.type());
  }

  @Test
  void tooManyNewTokensForTheContextIsABadRequestBeforeAnyDecoding() {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> client.chat().completions().create(ask("captain", HELLO).maxCompletionTokens(5000).build()));
    assertTrue(e.getMessage().contains("maxNewTokens"), e.getMessage());
  }

  @Test
  void clientClosingTheStreamStopsDecodingWithinOneStep() {
    // best of 16 with room for 250 new tokens: left alone, decoding runs until the longest candidate ends
    ChatCompletionCreateParams params = ask("captain", HELLO).seed(21).temperature(1.6).maxCompletionTokens(250)
        .putAdditionalBodyProperty("best_of", JsonValue.from(16)).build();
    String id;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
      id = chunks.next().id(); // the role chunk: decoding has begun
    }
    PersonaServer.Served cut = awaitServed(id);
    assertTrue(cut.clientGone(), cut.toString());
    assertEquals("CANCELLED", cut.finishReason());
    assertTrue(cut.stepsAfterDisconnect() <= 1, cut.toString());

    ChatCompletion full = client.chat().completions().create(params);
    PersonaServer.Served whole = awaitServed(full.id());
    assertFalse(whole.clientGone());
    assertTrue(cut.decodingSteps() * 2 < whole.decodingSteps(),
        "cut after " + cut.decodingSteps() + " of the " + whole.decodingSteps() + " steps the reply takes");
    assertTrue(server.stats().cancelled() >= 1);
  }

  private PersonaServer.Served awaitServed(String id) {
    for (int i = 0; i < 600; i++) {
      Optional<PersonaServer.Served> s = server.served().stream().filter(r -> r.id().equals(id)).findFirst();
      if (s.isPresent()) {
        return s.get();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the server never recorded " + id + ": " + server.served());
  }
}
