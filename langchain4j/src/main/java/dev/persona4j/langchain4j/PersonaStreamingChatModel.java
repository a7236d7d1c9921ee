package dev.persona4j.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyListener;
import dev.persona4j.core.prompt.Conversation;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persona's replies as a LangChain4j {@link StreamingChatModel}. Messages, parameters and the
 * final response map as in {@link PersonaChatModel}; the reply is generated on the model's executor.
 *
 * <p>What streams: with one candidate, the reply's text as it is decoded, a few characters at a
 * time (never half a character, never a stop string). With several (best-of-N by the generator's
 * heads), the reply is unknown until every candidate is decoded and scored, so nothing streams
 * while they are decoded and the chosen text arrives as one partial response just before
 * {@code onCompleteResponse}. A request for one candidate
 * ({@code PersonaChatRequestParameters.candidates(1)}) streams token by token from any generator.
 *
 * <p>Cancelling: {@code context.streamingHandle().cancel()} in {@code onPartialResponse} stops the
 * decoding within one step; the handler then hears nothing more (neither a completion nor an error).
 * Bad requests (unsupported messages or parameters, values out of range) throw from {@code chat}
 * before anything is generated; failures while generating go to {@code onError}.
 */
public final class PersonaStreamingChatModel extends ModelBase implements StreamingChatModel {
  private static final Logger log = LoggerFactory.getLogger(PersonaStreamingChatModel.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** Generation blocks its thread for the whole reply: a thread per stream, not a shared small pool. */
  private static final ExecutorService DEFAULT_EXECUTOR = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "persona4j-stream-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final Executor executor;
  private final Consumer<Reply> replyEnded;

  private PersonaStreamingChatModel(Builder b) {
    super(b);
    this.executor = b.executor;
    this.replyEnded = b.replyEnded;
  }

  /** A builder for a model answering with {@code generator}'s persona and settings. */
  public static Builder builder(PersonaGenerator generator) {
    return new Builder(generator);
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    Conversation conversation = ReplyMapping.conversation(request.messages());
    Handle handle = new Handle();
    PartialResponseContext context = new PartialResponseContext(handle);
    var options = ReplyMapping.options(generator, request.parameters())
        .cancelledWhen(handle::isCancelled)
        .listener(new ReplyListener() {
          @Override
          public void onReplyText(String text) {
            if (!text.isEmpty() && !handle.isCancelled()) {
              handler.onPartialResponse(new PartialResponse(text), context);
            }
          }
        })
        .build();
    executor.execute(() -> {
      Reply reply;
      try {
        reply = generator.reply(conversation, options);
      } catch (RuntimeException | Error e) {
        if (!handle.isCancelled()) {
          handler.onError(e);
        }
        return;
      }
      replyEnded.accept(reply);
      if (handle.isCancelled()) {
        log.debug("{}: stream cancelled after {} token(s) of the chosen candidate", generator.persona().name(),
            reply.chosen().tokenCount());
        return;
      }
      try {
        handler.onCompleteResponse(ReplyMapping.response(generator, reply));
      } catch (RuntimeException e) {
        handler.onError(e);
      }
    });
  }

  /** One stream's cancellation flag, read by the generator before every decoding step. */
  private static final class Handle implements StreamingHandle {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    @Override
    public void cancel() {
      cancelled.set(true);
    }

    @Override
    public boolean isCancelled() {
      return cancelled.get();
    }
  }

  /** Builder; by default the generator's settings, no listeners, a daemon thread per stream. */
  public static final class Builder extends ModelBase.Builder<Builder> {
    private Executor executor = DEFAULT_EXECUTOR;
    private Consumer<Reply> replyEnded = reply -> {};

    private Builder(PersonaGenerator generator) {
      super(generator);
    }

    /** Where replies are generated, each blocking its thread until it ends; default a daemon thread per stream. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Told of every reply when its generation ends, cancelled ones included (for tests and counters). */
    Builder onReplyEnded(Consumer<Reply> replyEnded) {
      this.replyEnded = Objects.requireNonNull(replyEnded, "replyEnded");
      return this;
    }

    public PersonaStreamingChatModel build() {
      return new PersonaStreamingChatModel(this);
    }
  }
}
