package example;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.langchain4j.PersonaChatModel;
import dev.persona4j.langchain4j.PersonaChatRequestParameters;
import dev.persona4j.langchain4j.PersonaChatResponseMetadata;
import java.nio.file.Path;

/** The captain behind a LangChain4j AI service with memory (run from the persona4j checkout). */
public final class CaptainService {
  interface Captain {
    @SystemMessage("Keep your answers short.")
    String chat(String message);
  }

  public static void main(String[] args) {
    try (LanguageModel model = Backends.load(Path.of("examples/models/persona-demo"))) {
      PersonaGenerator generator =
          PersonaGenerator.builder(model, PersonaFiles.load(Path.of("examples/personas/captain.yaml"))).build();
      PersonaChatModel chatModel = PersonaChatModel.builder(generator)
          .defaultRequestParameters(PersonaChatRequestParameters.builder().temperature(0.7).build())
          .build();

      // An AI service with memory: the system message adds to the persona's instructions.
      Captain captain = AiServices.builder(Captain.class)
          .chatModel(chatModel)
          .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
          .build();
      System.out.println(captain.chat("Ahoy! How's the sea today?"));
      System.out.println(captain.chat("And where are we headed?"));

      // One request with its own parameters; the metadata holds every candidate with its head scores.
      ChatResponse response = chatModel.chat(ChatRequest.builder()
          .messages(UserMessage.from("Any news from port?"))
          .parameters(PersonaChatRequestParameters.builder().maxOutputTokens(40).seed(7L).candidates(4).build())
          .build());
      PersonaChatResponseMetadata metadata = (PersonaChatResponseMetadata) response.metadata();
      System.out.println(response.aiMessage().text() + "  (" + metadata.explanation() + ")");
      metadata.candidates().forEach(c -> System.out.println("  " + c.scores() + " " + c.text()));
    }
  }
}
