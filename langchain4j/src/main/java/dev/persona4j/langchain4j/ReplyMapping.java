package dev.persona4j.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.rejection.Candidate;
import java.util.ArrayList;
import java.util.List;

/** LangChain4j's requests to a persona's conversation and reply options, and a reply to a response. */
final class ReplyMapping {
  private ReplyMapping() {}

  /**
   * User and AI messages become the user's and the character's turns, in order; the system messages'
   * texts, joined by blank lines, become the conversation's instructions.
   *
   * @throws UnsupportedFeatureException for tool calls and results, custom messages and non-text content
   */
  static Conversation conversation(List<ChatMessage> messages) {
    List<Turn> turns = new ArrayList<>(messages.size());
    List<String> instructions = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      if (m instanceof SystemMessage s) {
        instructions.add(s.text());
      } else if (m instanceof UserMessage u) {
        turns.add(Turn.user(text(u, i)));
      } else if (m instanceof AiMessage a) {
        if (a.hasToolExecutionRequests()) {
          throw new UnsupportedFeatureException("messages[" + i + "] is an AI message with tool execution requests: "
              + "persona4j generates a character's text and does not call tools");
        }
        turns.add(Turn.character(a.text() == null ? "" : a.text()));
      } else {
        throw new UnsupportedFeatureException("messages[" + i + "] is a " + m.type() + " message: persona4j maps "
            + "only SYSTEM, USER and AI messages onto a persona's conversation");
      }
    }
    return Conversation.of(turns).withInstructions(String.join("\n\n", instructions));
  }

  private static String text(UserMessage message, int index) {
    if (message.hasSingleText()) {
      return message.singleText();
    }
    List<String> parts = new ArrayList<>();
    for (Content c : message.contents()) {
      if (!(c instanceof TextContent t)) {
        throw new UnsupportedFeatureException("messages[" + index + "] has " + c.type() + " content: persona4j reads "
            + "text only");
      }
      parts.add(t.text());
    }
    return String.join("\n", parts);
  }

  /**
   * The per-reply options the parameters ask for: the generator's sampler with the temperature, top-p,
   * top-k and frequency and presence penalties given; the new-token limit; the stop strings; and
   * persona4j's seed and candidates. The model name is ignored (the generator's persona answers).
   *
   * @throws UnsupportedFeatureException for tools and JSON response formats
   * @throws dev.persona4j.samplers.InvalidSettingException for a value out of range, naming it
   */
  static ReplyOptions.Builder options(PersonaGenerator generator, ChatRequestParameters p) {
    if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
      throw new UnsupportedFeatureException("tools (" + p.toolSpecifications().size() + " tool specification(s) in "
          + "the request): persona4j generates a character's text and does not call tools");
    }
    if (p.toolChoice() == ToolChoice.REQUIRED) {
      throw new UnsupportedFeatureException("tool choice REQUIRED: persona4j does not call tools");
    }
    if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
      throw new UnsupportedFeatureException("JSON response format: persona4j generates a character's free text");
    }
    ReplyOptions.Builder options = ReplyOptions.builder();
    if (p.temperature() != null || p.topP() != null || p.topK() != null || p.frequencyPenalty() != null
        || p.presencePenalty() != null) {
      SamplerSettings.Builder s = generator.samplerSettings().toBuilder();
      if (p.temperature() != null) {
        s.temperature(p.temperature());
      }
      if (p.topP() != null) {
        s.topP(p.topP());
      }
      if (p.topK() != null) {
        s.topK(p.topK());
      }
      if (p.frequencyPenalty() != null) {
        s.frequencyPenalty(p.frequencyPenalty());
      }
      if (p.presencePenalty() != null) {
        s.presencePenalty(p.presencePenalty());
      }
      options.sampler(s.build());
    }
    if (p.maxOutputTokens() != null) {
      options.maxNewTokens(p.maxOutputTokens());
    }
    if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
      options.stopStrings(p.stopSequences());
    }
    if (p instanceof PersonaChatRequestParameters pp) {
      if (pp.seed() != null) {
        options.seed(pp.seed());
      }
      if (pp.candidates() != null) {
        options.candidates(pp.candidates());
      }
    }
    return options;
  }

  /**
   * The chosen text as the AI message; usage counts the prompt's tokens and the tokens decoded over
   * every candidate (what the reply cost; the chosen one's are in the metadata).
   */
  static ChatResponse response(PersonaGenerator generator, Reply reply) {
    int generated = reply.candidates().stream().mapToInt(Candidate::tokenCount).sum();
    PersonaChatResponseMetadata metadata = PersonaChatResponseMetadata.builder()
        .modelName(generator.persona().name())
        .tokenUsage(new TokenUsage(reply.prompt().size(), generated))
        .finishReason(finishReason(reply.finishReason()))
        .selection(reply.selection())
        .timings(reply.timings())
        .build();
    return ChatResponse.builder().aiMessage(AiMessage.from(reply.text())).metadata(metadata).build();
  }

  /** End of turn and stop strings: STOP; the token limit or a full context: LENGTH; a deadline or cancellation: OTHER. */
  static FinishReason finishReason(dev.persona4j.samplers.rejection.FinishReason reason) {
    return switch (reason) {
      case STOP_TOKEN, STOP_STRING -> FinishReason.STOP;
      case MAX_TOKENS, CONTEXT_FULL -> FinishReason.LENGTH;
      case DEADLINE, CANCELLED -> FinishReason.OTHER;
    };
  }

  /** The model's defaults as persona4j parameters, so that a request's seed and candidates survive merging. */
  static PersonaChatRequestParameters defaults(ChatRequestParameters given) {
    return given instanceof PersonaChatRequestParameters p ? p
        : PersonaChatRequestParameters.builder().overrideWith(given).build();
  }
}
