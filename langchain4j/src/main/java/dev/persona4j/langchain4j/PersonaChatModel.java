package dev.persona4j.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;

/**
 * A persona's replies as a LangChain4j {@link ChatModel}: usable wherever LangChain4j takes one
 * ({@code AiServices}, chat memory, chains). Thread-safe; one per generator is enough.
 *
 * <p>Messages: {@code UserMessage}s and {@code AiMessage}s become the user's and the character's
 * turns of the persona's conversation, in order; the texts of all {@code SystemMessage}s, joined by
 * blank lines, become the conversation's {@linkplain dev.persona4j.core.prompt.Conversation#withInstructions
 * instructions}, placed after the persona's own definition at the end of the prompt's system part
 * (they add to the persona; they do not replace it). Tool calls and results, custom messages and
 * non-text content are refused with LangChain4j's {@code UnsupportedFeatureException}.
 *
 * <p>Parameters (the request's, over the model's defaults): temperature, top-p, top-k and the
 * frequency and presence penalties override the generator's sampler for the one reply (temperature 0
 * is greedy); {@code maxOutputTokens} is the new-token limit per candidate; {@code stopSequences}
 * replace the generator's stop strings (the model's end-of-turn tokens still stop);
 * {@link PersonaChatRequestParameters} adds a seed and the number of candidates. The model name is
 * ignored. Tools, a required tool choice and a JSON response format throw
 * {@code UnsupportedFeatureException}; a value out of range throws persona4j's
 * {@code InvalidSettingException} naming it.
 *
 * <p>Response: the chosen candidate's text is the {@code AiMessage}; the metadata is a
 * {@link PersonaChatResponseMetadata} carrying every candidate with its head scores and the
 * explanation of the choice, the persona's name as model name, token usage (prompt tokens; tokens
 * decoded over all candidates) and the finish reason (end of turn or stop string: {@code STOP}; token
 * limit or full context: {@code LENGTH}; deadline: {@code OTHER}).
 *
 * <pre>{@code
 * ChatModel model = PersonaChatModel.builder(generator).build();
 * String reply = model.chat("Ahoy! How's the sea today?");
 * }</pre>
 */
public final class PersonaChatModel extends ModelBase implements ChatModel {

  private PersonaChatModel(Builder b) {
    super(b);
  }

  /** A builder for a model answering with {@code generator}'s persona and settings. */
  public static Builder builder(PersonaGenerator generator) {
    return new Builder(generator);
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    Reply reply = generator.reply(ReplyMapping.conversation(request.messages()),
        ReplyMapping.options(generator, request.parameters()).build());
    return ReplyMapping.response(generator, reply);
  }

  /** Builder; by default no default parameters (the generator's settings) and no listeners. */
  public static final class Builder extends ModelBase.Builder<Builder> {

    private Builder(PersonaGenerator generator) {
      super(generator);
    }

    public PersonaChatModel build() {
      return new PersonaChatModel(this);
    }
  }
}
