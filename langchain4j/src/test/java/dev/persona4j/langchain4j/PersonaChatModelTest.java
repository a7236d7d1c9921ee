package dev.persona4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.rejection.Candidate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chat model on the bundled demo model, driven through LangChain4j's own AiServices and chat memory. */
class PersonaChatModelTest {
  static final Path DEMO_MODEL = Path.of("../examples/models/persona-demo");
  static final Path CAPTAIN = Path.of("../examples/personas/captain.yaml");
  static final String INSTRUCTIONS = "Keep your answers short.";

  static LanguageModel demo;
  /** The demo model's profile: best of 8 by the in_character head, 64 new tokens. */
  static PersonaGenerator bestOf8;
  /** One candidate: the same generator without heads' choice. */
  static PersonaGenerator single;

  @BeforeAll
  static void load() {
    if (!Files.isDirectory(DEMO_MODEL)) {
      System.err.println("SKIPPED PersonaChatModelTest: the demo model is not at " + DEMO_MODEL.toAbsolutePath());
    }
    Assumptions.assumeTrue(Files.isDirectory(DEMO_MODEL), "the bundled demo model at " + DEMO_MODEL);
    demo = Backends.load(DEMO_MODEL);
    bestOf8 = PersonaGenerator.builder(demo, PersonaFiles.load(CAPTAIN)).build();
    single = bestOf8.toBuilder().candidates(1).build();
  }

  @AfterAll
  static void close() {
    if (demo != null) {
      demo.close();
      demo = null;
    }
  }

  static String greedy(PersonaGenerator generator, Conversation conversation) {
    return generator.reply(conversation, ReplyOptions.builder().sampler(SamplerSettings.greedy()).build()).text();
  }

  static ChatRequestParameters greedyParameters() {
    return PersonaChatRequestParameters.builder().temperature(0.0).build();
  }

  interface Captain {
    @dev.langchain4j.service.SystemMessage(INSTRUCTIONS)
    Result<String> chat(@dev.langchain4j.service.UserMessage String message);
  }

  interface Sailor {
    String chat(String message);
  }

  @Test
  void anAiServiceGetsTheGreedyReplyWithItsSystemMessageAsInstructions() {
    Captain captain = AiServices.create(Captain.class,
        PersonaChatModel.builder(single).defaultRequestParameters(greedyParameters()).build());
    Result<String> result = captain.chat("Ahoy! How's the sea today?");

    Conversation expected = Conversation.of(Turn.user("Ahoy! How's the sea today?")).withInstructions(INSTRUCTIONS);
    Reply direct = single.reply(expected, ReplyOptions.builder().sampler(SamplerSettings.greedy()).build());
    assertFalse(result.content().isBlank());
    assertEquals(direct.text(), result.content());
    // The system message reached the prompt: the same prompt tokens as the instructed conversation, more than without.
    assertEquals(direct.prompt().size(), result.tokenUsage().inputTokenCount());
    assertTrue(result.tokenUsage().inputTokenCount() > single.reply(Conversation.of(Turn.user("Ahoy! How's the sea today?")),
        ReplyOptions.builder().maxNewTokens(1).build()).prompt().size());
    assertEquals(direct.chosen().tokenCount(), result.tokenUsage().outputTokenCount());
    assertEquals(ReplyMapping.finishReason(direct.finishReason()), result.finishReason());
  }

  @Test
  void aMemoryConversationOfSeveralTurnsIsThePersonasConversation() {
    MessageWindowChatMemory memory = MessageWindowChatMemory.withMaxMessages(20);
    Sailor sailor = AiServices.builder(Sailor.class)
        .chatModel(PersonaChatModel.builder(single).defaultRequestParameters(greedyParameters()).build())
        .chatMemory(memory)
        .build();
    List<String> questions = List.of("Ahoy, captain!", "Where are we sailing?", "Is there a storm coming?");
    Conversation conversation = Conversation.empty();
    for (String question : questions) {
      conversation = conversation.withUser(question);
      String expected = greedy(single, conversation);
      assertEquals(expected, sailor.chat(question), "turn " + conversation.size() + " sees the whole history");
      conversation = conversation.withCharacter(expected);
    }
    List<ChatMessage> remembered = memory.messages();
    assertEquals(6, remembered.size());
    assertEquals(conversation, ReplyMapping.conversation(remembered));
    assertEquals(conversation.turns().get(5).text(), ((AiMessage) remembered.get(5)).text());
  }

  @Test
  void perRequestParametersChangeTheReply() {
    PersonaChatModel model = PersonaChatModel.builder(single).build();
    Conversation conversation = Conversation.of(Turn.user("What do you think of the weather today?"));
    UserMessage question = UserMessage.from("What do you think of the weather today?");
    String greedy = greedy(single, conversation);

    ChatResponse atZero = model.chat(ChatRequest.builder().messages(question).temperature(0.0).build());
    assertEquals(greedy, atZero.aiMessage().text(), "temperature 0 is the generator's greedy reply");

    Set<String> hot = new HashSet<>();
    for (long seed = 1; seed <= 3; seed++) {
      ChatRequest request = ChatRequest.builder().messages(question)
          .parameters(PersonaChatRequestParameters.builder().temperature(1.5).topK(50).seed(seed).build()).build();
      String text = model.chat(request).aiMessage().text();
      assertEquals(text, model.chat(request).aiMessage().text(), "the same seed gives the same reply");
      assertEquals(single.reply(conversation, ReplyOptions.builder().seed(seed)
          .sampler(single.samplerSettings().toBuilder().temperature(1.5).topK(50).build()).build()).text(), text);
      hot.add(text);
    }
    assertTrue(hot.size() >= 2 || !hot.contains(greedy), "sampling at temperature 1.5 varies: " + hot);

    ChatResponse cut = model.chat(ChatRequest.builder().messages(question).temperature(0.0).maxOutputTokens(3).build());
    assertEquals(FinishReason.LENGTH, cut.finishReason());
    assertEquals(3, cut.tokenUsage().outputTokenCount());
    assertTrue(greedy.startsWith(cut.aiMessage().text()), cut.aiMessage().text() + " / " + greedy);

    String[] words = greedy.strip().split("\\s+");
    assertTrue(words.length >= 3, greedy);
    String stop = " " + words[2];
    ChatResponse stopped = model.chat(ChatRequest.builder().messages(question).temperature(0.0)
        .stopSequences(List.of(stop)).build());
    assertEquals(greedy.substring(0, greedy.indexOf(stop)), stopped.aiMessage().text());
    assertEquals(FinishReason.STOP, stopped.finishReason());
  }

  @Test
  void bestOfNPutsEveryCandidateWithItsHeadScoresInTheMetadata() {
    PersonaChatModel model = PersonaChatModel.builder(bestOf8).build();
    ChatResponse response = model.chat(ChatRequest.builder()
        .messages(UserMessage.from("Ahoy! How's the sea today?"))
        .parameters(PersonaChatRequestParameters.builder().candidates(4).seed(11L).build()).build());
    PersonaChatResponseMetadata metadata = assertInstanceOf(PersonaChatResponseMetadata.class, response.metadata());
    assertEquals(4, metadata.candidates().size());
    for (Candidate c : metadata.candidates()) {
      assertEquals(bestOf8.heads().size(), c.scores().size(), c.toString());
      assertTrue(c.scores().containsKey("in_character"), c.toString());
    }
    assertEquals(metadata.chosen().text(), response.aiMessage().text());
    double best = metadata.candidates().stream().mapToDouble(Candidate::score).max().orElseThrow();
    assertEquals(best, metadata.chosen().score(), "best of N by the selection head");
    assertFalse(metadata.explanation().isBlank());
    assertEquals(bestOf8.persona().name(), response.modelName());
    assertEquals(metadata.timings().promptTokens(), response.tokenUsage().inputTokenCount());
    assertEquals(metadata.candidates().stream().mapToInt(Candidate::tokenCount).sum(),
        response.tokenUsage().outputTokenCount(), "usage counts every decoded token");
    assertEquals(metadata, metadata.toBuilder().build(), "toBuilder keeps persona4j's fields");
  }

  @Test
  void whatPersona4jCannotDoIsRefusedBeforeGenerating() {
    PersonaChatModel model = PersonaChatModel.builder(single).build();
    UserMessage hi = UserMessage.from("Ahoy!");
    ToolSpecification weather = ToolSpecification.builder().name("weather").description("the weather").build();
    UnsupportedFeatureException tools = assertThrows(UnsupportedFeatureException.class,
        () -> model.chat(ChatRequest.builder().messages(hi).toolSpecifications(weather).build()));
    assertTrue(tools.getMessage().contains("tools"), tools.getMessage());
    assertThrows(UnsupportedFeatureException.class,
        () -> model.chat(ChatRequest.builder().messages(hi).responseFormat(ResponseFormat.JSON).build()));
    UnsupportedFeatureException image = assertThrows(UnsupportedFeatureException.class, () -> model.chat(ChatRequest.builder()
        .messages(SystemMessage.from("x"), UserMessage.from(TextContent.from("look"), ImageContent.from("https://example.com/a.png")))
        .build()));
    assertTrue(image.getMessage().contains("messages[1]") && image.getMessage().contains("IMAGE"), image.getMessage());
    InvalidSettingException range = assertThrows(InvalidSettingException.class,
        () -> model.chat(ChatRequest.builder().messages(hi).topP(1.5).build()));
    assertTrue(range.getMessage().contains("topP"), range.getMessage());
    assertThrows(InvalidSettingException.class, () -> PersonaChatRequestParameters.builder().candidates(0));
  }

  @Test
  void persona4jsParametersSurviveLangChain4jsMerging() {
    ChatRequestParameters defaults = ChatRequestParameters.builder().temperature(0.5).maxOutputTokens(9).build();
    PersonaChatRequestParameters request = PersonaChatRequestParameters.builder().seed(7L).candidates(2).maxOutputTokens(4).build();
    PersonaChatRequestParameters merged = assertInstanceOf(PersonaChatRequestParameters.class,
        ReplyMapping.defaults(defaults).overrideWith(request));
    assertEquals(0.5, merged.temperature());
    assertEquals(4, merged.maxOutputTokens());
    assertEquals(7L, merged.seed());
    assertEquals(2, merged.candidates());
    assertEquals(merged, defaults.overrideWith(request), "LangChain4j's own parameters defer to the subtype");
    assertNotEquals(merged, PersonaChatRequestParameters.builder().overrideWith(merged).seed(8L).build());
  }
}
