package dev.persona4j.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.persona4j.core.generate.PersonaGenerator;
import java.util.List;
import java.util.Objects;

/** What both chat models share: the generator, the default request parameters and the listeners. */
abstract class ModelBase {
  final PersonaGenerator generator;
  private final PersonaChatRequestParameters defaults;
  private final List<ChatModelListener> listeners;

  ModelBase(Builder<?> b) {
    this.generator = b.generator;
    this.defaults = ReplyMapping.defaults(b.defaults);
    this.listeners = b.listeners;
  }

  /** The generator the replies come from. */
  public PersonaGenerator generator() {
    return generator;
  }

  /** The parameters every request starts from (persona4j's, so that a request's seed and candidates survive). */
  public ChatRequestParameters defaultRequestParameters() {
    return defaults;
  }

  /** The LangChain4j listeners told of every request, response and error. */
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  /** {@code OTHER}: the model runs in this JVM. */
  public ModelProvider provider() {
    return ModelProvider.OTHER;
  }

  /** What both models' builders set. */
  abstract static class Builder<B extends Builder<B>> {
    final PersonaGenerator generator;
    private ChatRequestParameters defaults = PersonaChatRequestParameters.builder().build();
    private List<ChatModelListener> listeners = List.of();

    Builder(PersonaGenerator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
    }

    /** Parameters every request starts from; a request's own override them. Default: none (the generator's settings). */
    public B defaultRequestParameters(ChatRequestParameters parameters) {
      this.defaults = Objects.requireNonNull(parameters, "parameters");
      return self();
    }

    /** LangChain4j listeners told of every request, response and error. Default: none. */
    public B listeners(List<ChatModelListener> listeners) {
      this.listeners = List.copyOf(listeners);
      return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }
  }
}
