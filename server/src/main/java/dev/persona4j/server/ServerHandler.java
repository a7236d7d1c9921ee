package dev.persona4j.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the OpenAI endpoints, checks the key and the body's size, parses and checks the request on
 * Jetty's thread (so that bad requests are answered at once), then queues the reply for a reply thread.
 */
final class ServerHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);
  static final String MODELS = "/v1/models";
  static final String CHAT = "/v1/chat/completions";

  private final Map<String, PersonaGenerator> personas;
  private final byte[] apiKey;
  private final long maxRequestBytes;
  private final Duration requestTimeout;
  private final ThreadPoolExecutor workers;
  private final int queue;
  private final Counters counters;
  private final long startedSeconds = System.currentTimeMillis() / 1000;
  private volatile boolean refusing;
  private volatile boolean cancelAll;

  ServerHandler(Map<String, PersonaGenerator> personas, String apiKey, long maxRequestBytes, Duration requestTimeout,
      ThreadPoolExecutor workers, int queue, Counters counters) {
    this.personas = personas;
    this.apiKey = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    this.maxRequestBytes = maxRequestBytes;
    this.requestTimeout = requestTimeout;
    this.workers = workers;
    this.queue = queue;
    this.counters = counters;
  }

  /** New requests get 503 from now on. */
  void refuseNew() {
    refusing = true;
  }

  /** Cancels every reply in flight: each ends within one decoding step. */
  void cancelAll() {
    cancelAll = true;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long arrived = System.nanoTime();
    counters.requests.incrementAndGet();
    String method = request.getMethod();
    String path = Request.getPathInContext(request);
    try {
      if (refusing) {
        throw ApiError.shuttingDown();
      }
      checkKey(request);
      if (path.equals(MODELS) || path.startsWith(MODELS + "/")) {
        requireMethod(method, "GET", path);
        send(response, callback, 200, path.equals(MODELS) ? models() : model(path.substring(MODELS.length() + 1)));
        log.debug("{} {} 200", method, path);
      } else if (path.equals(CHAT)) {
        requireMethod(method, "POST", path);
        chat(request, response, callback, arrived);
      } else {
        throw ApiError.notFound(method, path);
      }
    } catch (ApiError e) {
      if (e.status() == 429) {
        counters.rejected.incrementAndGet();
      } else {
        counters.errors.incrementAndGet();
      }
      log.info("{} {} {} {} ({} ms): {}", method, path, e.status(), e.code(), (System.nanoTime() - arrived) / 1_000_000,
          e.getMessage());
      if (e.status() == 429) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      }
      if (e.status() == 503) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      send(response, callback, e.status(), e.toJson());
    }
    return true;
  }

  private void chat(Request request, Response response, Callback callback, long arrived) {
    JsonNode body = readJson(request);
    ChatRequest chat = ChatRequest.parse(body);
    PersonaGenerator persona = personas.get(chat.model());
    if (persona == null) {
      throw ApiError.unknownModel(chat.model(), new TreeSet<>(personas.keySet()));
    }
    ReplyOptions.Builder options;
    try {
      options = chat.options(persona);
      options.build();
    } catch (ApiError e) {
      throw e;
    } catch (Persona4jException e) {
      throw ApiError.invalid(null, e.getMessage());
    }
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    ConnectionWatch watch = ConnectionWatch.start(request.getConnectionMetaData().getConnection().getEndPoint());
    try {
      workers.execute(new ChatCompletion(id, chat, persona, options, requestTimeout, response, callback, watch,
          () -> cancelAll, counters, arrived));
    } catch (RejectedExecutionException e) {
      watch.stop();
      throw refusing ? ApiError.shuttingDown() : ApiError.queueFull(workers.getActiveCount(), queue);
    }
  }

  private void checkKey(Request request) {
    if (apiKey == null) {
      return;
    }
    String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (given == null || !MessageDigest.isEqual(apiKey, given.strip().getBytes(StandardCharsets.UTF_8))) {
      throw ApiError.unauthorized();
    }
  }

  private static void requireMethod(String method, String expected, String path) {
    if (!expected.equals(method)) {
      throw new ApiError(405, "invalid_request_error", null, "method_not_allowed",
          method + " is not allowed on " + path + ": use " + expected);
    }
  }

  private JsonNode readJson(Request request) {
    long declared = request.getLength();
    if (declared > maxRequestBytes) {
      throw ApiError.tooLarge(maxRequestBytes);
    }
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes((int) Math.min(maxRequestBytes + 1, Integer.MAX_VALUE));
    } catch (IOException e) {
      throw ApiError.invalid(null, "Could not read the request body: " + e.getMessage());
    }
    if (bytes.length > maxRequestBytes) {
      throw ApiError.tooLarge(maxRequestBytes);
    }
    try {
      JsonNode body = Json.mapper().readTree(bytes);
      if (body == null) {
        throw ApiError.invalid(null, "The request body is empty: send a JSON object");
      }
      return body;
    } catch (JacksonException e) {
      throw new ApiError(400, "invalid_request_error", null, "invalid_json",
          "We could not parse the JSON body of your request: " + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                  + e.getLocation().getColumnNr()));
    } catch (IOException e) {
      throw ApiError.invalid(null, "Could not read the request body: " + e.getMessage());
    }
  }

  private ObjectNode models() {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    new TreeSet<>(personas.keySet()).forEach(name -> data.add(modelJson(name)));
    return root;
  }

  private ObjectNode model(String name) {
    if (!personas.containsKey(name)) {
      throw ApiError.unknownModel(name, new TreeSet<>(personas.keySet()));
    }
    return modelJson(name);
  }

  private ObjectNode modelJson(String name) {
    ObjectNode model = Json.mapper().createObjectNode();
    model.put("id", name);
    model.put("object", "model");
    model.put("created", startedSeconds);
    model.put("owned_by", "persona4j");
    PersonaGenerator generator = personas.get(name);
    ObjectNode p = model.putObject("persona4j");
    p.put("name", generator.persona().name());
    p.put("candidates", generator.policy().candidatesPerRound());
    ArrayNode heads = p.putArray("heads");
    generator.heads().forEach(h -> heads.add(h.name()));
    return model;
  }

  private static void send(Response response, Callback callback, int status, ObjectNode body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(ChatCompletion.bytes(body)), callback);
  }
}
