package dev.persona4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyListener;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.prompt.PromptException;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.rejection.Candidate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat completion, generated on a reply thread: the reply, written as one JSON object or as
 * server-sent events. Decoding stops within one step once the client has gone or the server cancels.
 */
final class ChatCompletion implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ChatCompletion.class);

  private final String id;
  private final long created = System.currentTimeMillis() / 1000;
  private final ChatRequest request;
  private final PersonaGenerator generator;
  private final ReplyOptions.Builder options;
  private final Duration timeout;
  private final Response response;
  private final Callback callback;
  private final ConnectionWatch watch;
  private final BooleanSupplier serverCancelled;
  private final Counters counters;
  private final long arrivedNanos;
  private int stepsBegun;
  private int stepsAtDisconnect = -1;
  private boolean streamStarted;

  ChatCompletion(String id, ChatRequest request, PersonaGenerator generator, ReplyOptions.Builder options,
      Duration timeout, Response response, Callback callback, ConnectionWatch watch, BooleanSupplier serverCancelled,
      Counters counters, long arrivedNanos) {
    this.id = id;
    this.request = request;
    this.generator = generator;
    this.options = options;
    this.timeout = timeout;
    this.response = response;
    this.callback = callback;
    this.watch = watch;
    this.serverCancelled = serverCancelled;
    this.counters = counters;
    this.arrivedNanos = arrivedNanos;
  }

  /** Asked before every decoding step: counts the steps and notes when the client was found gone. */
  private boolean cancelled() {
    if (watch.clientClosed()) {
      if (stepsAtDisconnect < 0) {
        stepsAtDisconnect = stepsBegun;
      }
      return true;
    }
    if (serverCancelled.getAsBoolean()) {
      return true;
    }
    stepsBegun++;
    return false;
  }

  @Override
  public void run() {
    long queuedNanos = System.nanoTime() - arrivedNanos;
    if (watch.clientClosed()) {
      log.info("{} {}: the client left while its request waited ({} ms)", id, request.model(), queuedNanos / 1_000_000);
      counters.cancelled.incrementAndGet();
      callback.failed(new IOException("client closed the connection"));
      return;
    }
    boolean live = request.stream() && request.n() == 1 && options.build().candidates().orElse(1) == 1
        && generator.policy().maxRounds() == 1;
    options.deadline(timeout).cancelledWhen(this::cancelled).listener(new ReplyListener() {
      @Override
      public void onCandidateText(int candidate, String text) {
        startStream();
      }

      @Override
      public void onReplyText(String text) {
        if (live && !text.isEmpty()) {
          send(CompletionJson.chunk(id, created, request.model(), 0, CompletionJson.delta(null, text), null));
        }
      }
    });
    Reply reply;
    try {
      reply = generator.reply(request.conversation(), options.build());
    } catch (InvalidSettingException | PromptException e) {
      // the prompt or a setting did not fit, found before any decoding: the request's fault
      fail(ApiError.invalid(null, e.getMessage()));
      return;
    } catch (RuntimeException | Error e) {
      log.error("{} {}: generation failed", id, request.model(), e);
      fail(ApiError.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
      return;
    }
    watch.stop();
    List<Candidate> choices = CompletionJson.choices(reply, request.n());
    boolean gone = watch.clientClosed(); // asked now: once answered, the client may close as it likes
    try {
      if (gone) {
        callback.failed(new IOException("client closed the connection"));
      } else if (request.stream()) {
        finishStream(reply, choices, live);
      } else {
        respond(200, CompletionJson.completion(id, created, request.model(), reply, request.n()));
      }
    } finally {
      int tokens = reply.candidates().stream().mapToInt(Candidate::tokenCount).sum();
      long millis = (System.nanoTime() - arrivedNanos) / 1_000_000;
      int after = stepsAtDisconnect < 0 ? -1 : stepsBegun - stepsAtDisconnect;
      counters.record(new PersonaServer.Served(id, request.model(), request.stream(), reply.candidates().size(), tokens,
          reply.timings().decodingSteps(), after, reply.finishReason().name(), millis));
      log.info("{} {} {} user={} stream={} n={} candidates={} tokens={} steps={} finish={}{} queued={} ms total={} ms",
          id, gone || watch.closeSeen() ? "client-gone" : "200", request.model(), request.user(), request.stream(), request.n(),
          reply.candidates().size(), tokens, reply.timings().decodingSteps(), reply.finishReason(),
          after < 0 ? "" : " steps-after-disconnect=" + after, queuedNanos / 1_000_000, millis);
    }
  }

  /** Headers and the first chunk (the role), once decoding has begun. */
  private void startStream() {
    if (!request.stream() || streamStarted) {
      return;
    }
    streamStarted = true;
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    if (watch.mustClose()) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    for (int i = 0; i < request.n(); i++) {
      send(CompletionJson.chunk(id, created, request.model(), i, CompletionJson.delta("assistant", ""), null));
    }
  }

  private void finishStream(Reply reply, List<Candidate> choices, boolean live) {
    startStream();
    for (int i = 0; i < choices.size(); i++) {
      if (!live && !choices.get(i).text().isEmpty()) {
        send(CompletionJson.chunk(id, created, request.model(), i, CompletionJson.delta(null, choices.get(i).text()), null));
      }
    }
    for (int i = 0; i < choices.size(); i++) {
      ObjectNode last = CompletionJson.chunk(id, created, request.model(), i, CompletionJson.delta(null, null),
          CompletionJson.finishReason(choices.get(i).finishReason()));
      if (i == choices.size() - 1) {
        last.set("persona4j", CompletionJson.persona4j(reply, choices));
      }
      send(last);
    }
    if (request.includeUsage()) {
      send(CompletionJson.usageChunk(id, created, request.model(), reply));
    }
    sendRaw("data: [DONE]\n\n");
    if (watch.clientClosed()) {
      callback.failed(new IOException("client closed the connection"));
    } else {
      response.write(true, ByteBuffer.allocate(0), callback);
    }
  }

  /** An error: with its status before the stream began, else as an error event ending the stream. */
  private void fail(ApiError error) {
    watch.stop();
    counters.errors.incrementAndGet();
    log.info("{} {} {} {}: {}", id, error.status(), request.model(), error.code(), error.getMessage());
    if (!streamStarted) {
      respond(error.status(), error.toJson());
      return;
    }
    send(error.toJson());
    sendRaw("data: [DONE]\n\n");
    response.write(true, ByteBuffer.allocate(0), callback);
  }

  private void respond(int status, ObjectNode body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    if (watch.mustClose()) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    response.write(true, ByteBuffer.wrap(bytes(body)), callback);
  }

  private void send(ObjectNode event) {
    sendRaw("data: " + new String(bytes(event), StandardCharsets.UTF_8) + "\n\n");
  }

  /** Writes and waits, on the generating thread; a failed write means the client has gone. */
  private void sendRaw(String text) {
    if (watch.clientClosed()) {
      return;
    }
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written);
      written.block();
    } catch (IOException e) {
      log.debug("{}: write failed, the client has gone: {}", id, e.toString());
      watch.markClosed();
    }
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
