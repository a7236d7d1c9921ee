package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.examples.Workspace;
import dev.persona4j.internal.Json;
import dev.persona4j.server.PersonaServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load on {@code serve} over loopback: 32 concurrent clients × 10 chat completions each, on the bundled
 * demo model (every bundled persona, best of 8 by the in-character head, 48 new tokens), twice.
 * A client answered 429 waits the Retry-After second and asks again (bounded). Prints and writes
 * (examples/target/bench/serve-report.json) throughput, p50/p99 latency of accepted requests, the
 * 429s, whether every accepted request got a complete reply, and the process's RSS (server and
 * clients share it) before, between and after the rounds.
 *
 * <p>{@code java -Dai.djl.offline=true -cp examples/target/classes:$(cat examples/target/classpath.txt)
 * dev.persona4j.examples.bench.ServeLoadBench [clients] [requests-per-client]}
 */
public final class ServeLoadBench {
  private static final Duration ROUND_LIMIT = Duration.ofMinutes(10);
  private static final int MAX_ATTEMPTS = 120;

  private ServeLoadBench() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int perClient = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    ObjectNode report = Json.mapper().createObjectNode();
    report.put("clients", clients);
    report.put("requests_per_client", perClient);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    List<String> personas = Workspace.personaIds();
    try (LanguageModel model = Backends.load(Workspace.demoModel())) {
      PersonaServer.Builder builder = PersonaServer.builder().port(0);
      for (String id : personas) {
        builder.persona(id, PersonaGenerator.builder(model, Workspace.persona(id)).build());
      }
      try (PersonaServer server = builder.build().start()) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        round(server, http, personas, 2, 1); // warm-up: JIT, allocator pools
        report.put("rss_mib_before", ProcessStats.rssBytes() / 1048576.0);
        ArrayNode rounds = report.putArray("rounds");
        for (int r = 0; r < 2; r++) {
          ObjectNode result = round(server, http, personas, clients, perClient);
          result.put("rss_mib_after", ProcessStats.rssBytes() / 1048576.0);
          rounds.add(result);
          System.out.println("round " + (r + 1) + ": " + result);
        }
        report.put("server_stats", server.stats().toString());
      }
    }
    double between = report.get("rounds").get(0).get("rss_mib_after").asDouble();
    double after = report.get("rounds").get(1).get("rss_mib_after").asDouble();
    report.put("rss_growth_second_round_mib", after - between);
    report.put("peak_rss_mib", ProcessStats.peakRssBytes() / 1048576.0);
    Path out = Workspace.home().resolve("examples/target/bench/serve-report.json");
    Files.createDirectories(out.getParent());
    Json.pretty().writeValue(out.toFile(), report);
    System.out.println(Json.pretty().writeValueAsString(report));
    System.out.println("report: " + out);
  }

  /** One round: every client sends its requests one after another; returns the round's figures. */
  private static ObjectNode round(PersonaServer server, HttpClient http, List<String> personas, int clients, int perClient)
      throws Exception {
    Queue<Double> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger rejected = new AtomicInteger();
    AtomicInteger complete = new AtomicInteger();
    AtomicInteger incomplete = new AtomicInteger();
    AtomicInteger gaveUp = new AtomicInteger();
    AtomicInteger tokens = new AtomicInteger();
    long deadline = System.nanoTime() + ROUND_LIMIT.toNanos();
    double load = ProcessStats.loadAverage();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> running = new java.util.ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(pool.submit(() -> {
          for (int i = 0; i < perClient && System.nanoTime() < deadline; i++) {
            String persona = personas.get((client + i) % personas.size());
            String body = "{\"model\":\"" + persona + "\",\"max_tokens\":48,\"seed\":" + (client * 1000 + i)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Good morning! What are you up to today?\"}]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUri() + "/chat/completions"))
                .timeout(Duration.ofMinutes(3)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            boolean answered = false;
            for (int attempt = 0; attempt < MAX_ATTEMPTS && !answered && System.nanoTime() < deadline; attempt++) {
              long sent = System.nanoTime();
              HttpResponse<String> response = send(http, request);
              if (response != null && response.statusCode() == 429) {
                rejected.incrementAndGet();
                sleep(1000);
                continue;
              }
              answered = true;
              latencies.add((System.nanoTime() - sent) / 1e6);
              int decoded = completeReply(response);
              if (decoded >= 0) {
                complete.incrementAndGet();
                tokens.addAndGet(decoded);
              } else {
                incomplete.incrementAndGet();
              }
            }
            if (!answered) {
              gaveUp.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("load_average_at_start", load);
    result.put("seconds", seconds);
    result.put("accepted", latencies.size());
    result.put("complete_replies", complete.get());
    result.put("incomplete_replies", incomplete.get());
    result.put("rejected_429", rejected.get());
    result.put("gave_up_after_retries_or_time", gaveUp.get());
    result.put("every_accepted_request_complete", incomplete.get() == 0 && complete.get() == latencies.size());
    result.put("replies_per_second", complete.get() / seconds);
    result.put("tokens_decoded_per_second", tokens.get() / seconds);
    result.put("latency_ms_p50", Stats.percentile(latencies, 50));
    result.put("latency_ms_p99", Stats.percentile(latencies, 99));
    return result;
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The completion tokens of a complete 200 reply (a choice with text and a finish reason), else -1. */
  private static int completeReply(HttpResponse<String> response) {
    if (response == null || response.statusCode() != 200) {
      return -1;
    }
    try {
      JsonNode body = Json.mapper().readTree(response.body());
      JsonNode choice = body.path("choices").path(0);
      boolean whole = choice.path("message").path("content").isTextual() && choice.path("finish_reason").isTextual()
          && body.path("persona4j").path("candidates").size() == 8;
      return whole ? body.path("usage").path("completion_tokens").asInt() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
