package dev.persona4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.samplers.rejection.FinishReason;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The streaming model on the bundled demo model, through AiServices' TokenStream and a plain handler. */
class PersonaStreamingChatModelTest {
  private static final String QUESTION = "Ahoy! How's the sea today?";

  interface Captain {
    TokenStream chat(String message);
  }

  private ExecutorService executor;

  @BeforeAll
  static void load() {
    PersonaChatModelTest.load();
  }

  @AfterAll
  static void close() {
    PersonaChatModelTest.close();
  }

  @BeforeEach
  void start() {
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdown();
    assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS));
  }

  /** Waits for every reply this test started (the executor runs one at a time) and its callbacks. */
  private void drain() throws Exception {
    executor.submit(() -> {}).get(60, TimeUnit.SECONDS);
  }

  @Test
  void oneCandidateStreamsAsItIsDecodedAndEqualsTheNonStreamedReply() throws Exception {
    PersonaChatRequestParameters seeded = PersonaChatRequestParameters.builder().seed(5L).build();
    Captain captain = AiServices.create(Captain.class, PersonaStreamingChatModel.builder(PersonaChatModelTest.single)
        .defaultRequestParameters(seeded).executor(executor).build());
    List<String> partials = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    captain.chat(QUESTION).onPartialResponse(partials::add).onCompleteResponse(done::complete)
        .onError(done::completeExceptionally).start();
    ChatResponse response = done.get(60, TimeUnit.SECONDS);

    String nonStreamed = PersonaChatModel.builder(PersonaChatModelTest.single).defaultRequestParameters(seeded).build()
        .chat(QUESTION);
    assertEquals(nonStreamed, response.aiMessage().text());
    assertEquals(nonStreamed, String.join("", partials));
    assertTrue(partials.size() > 3, "streamed in pieces: " + partials);
  }

  @Test
  void bestOfNStreamsTheChosenReplyInOnePieceOnceChosen() throws Exception {
    PersonaStreamingChatModel model = PersonaStreamingChatModel.builder(PersonaChatModelTest.bestOf8).executor(executor).build();
    List<String> partials = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat(ChatRequest.builder().messages(UserMessage.from(QUESTION))
        .parameters(PersonaChatRequestParameters.builder().candidates(4).seed(3L).build()).build(), handler(partials, done));
    ChatResponse response = done.get(60, TimeUnit.SECONDS);
    assertEquals(List.of(response.aiMessage().text()), partials);
    assertEquals(4, assertInstanceOf(PersonaChatResponseMetadata.class, response.metadata()).candidates().size());
  }

  @Test
  void cancellingTheStreamStopsDecodingWithinOneStep() throws Exception {
    CompletableFuture<Reply> ended = new CompletableFuture<>();
    PersonaChatRequestParameters seeded = PersonaChatRequestParameters.builder().seed(5L).maxOutputTokens(64).build();
    Captain captain = AiServices.create(Captain.class, PersonaStreamingChatModel.builder(PersonaChatModelTest.single)
        .defaultRequestParameters(seeded).executor(executor).onReplyEnded(ended::complete).build());
    List<String> partials = new CopyOnWriteArrayList<>();
    AtomicReference<Object> after = new AtomicReference<>();
    captain.chat(QUESTION)
        .onPartialResponseWithContext((partial, context) -> {
          partials.add(partial.text());
          context.streamingHandle().cancel();
        })
        .onCompleteResponse(after::set)
        .onError(after::set)
        .start();
    Reply reply = ended.get(60, TimeUnit.SECONDS);
    drain();

    Reply uncancelled = PersonaChatModelTest.single.reply(
        Conversation.empty().withUser(QUESTION),
        ReplyOptions.builder().seed(5L).maxNewTokens(64).build());
    assertTrue(uncancelled.chosen().tokenCount() > 10, "the same reply uncancelled runs on: " + uncancelled.chosen());
    assertEquals(FinishReason.CANCELLED, reply.finishReason());
    assertEquals(1, partials.size(), "nothing streams after cancel()");
    assertTrue(uncancelled.text().startsWith(partials.get(0)));
    // The first piece took the tokens it needed; at most one more step ran before the flag was read.
    int tokensForFirstPiece = tokensUntil(partials.get(0), uncancelled);
    assertTrue(reply.chosen().tokenCount() <= tokensForFirstPiece + 1,
        reply.chosen().tokenCount() + " tokens decoded, " + tokensForFirstPiece + " made the first piece");
    assertNull(after.get(), "a cancelled stream hears neither a completion nor an error");
  }

  @Test
  void aBadRequestThrowsFromChatBeforeAnythingIsGenerated() {
    PersonaStreamingChatModel model = PersonaStreamingChatModel.builder(PersonaChatModelTest.single).executor(executor).build();
    Executable tools = () -> model.chat(ChatRequest.builder().messages(UserMessage.from(QUESTION))
        .toolSpecifications(ToolSpecification.builder().name("t").build()).build(),
        handler(new CopyOnWriteArrayList<>(), new CompletableFuture<>()));
    assertThrows(UnsupportedFeatureException.class, tools);
  }

  /** How many of the reply's tokens decode to at least {@code prefix}. */
  private static int tokensUntil(String prefix, Reply reply) {
    int[] tokens = reply.chosen().tokens();
    for (int n = 1; n <= tokens.length; n++) {
      String text = PersonaChatModelTest.demo.tokenizer().decode(Arrays.copyOf(tokens, n), true);
      if (text.strip().length() >= prefix.strip().length()) {
        return n;
      }
    }
    return tokens.length;
  }

  private static StreamingChatResponseHandler handler(List<String> partials, CompletableFuture<ChatResponse> done) {
    return new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partialResponse) {
        partials.add(partialResponse);
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    };
  }
}
