package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.examples.Workspace;
import dev.persona4j.internal.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A long run on the bundled demo model: 2,000 replies, each the best of 4 candidates by the
 * {@code in_character} head, from 4 threads over the bundled personas, in rounds of 200. Between rounds it
 * forces a GC and samples the process's RSS ({@code VmRSS} of /proc/self/status) and the heap in use, and
 * at the end the peak RSS ({@code VmHWM}); after the warm-up
 * (the first 400 replies) RSS should stay within 5% of its value at the end of the warm-up. Prints the table
 * and writes {@code docs/benchmarks/soak-report-<backend>.json}. Not a test: it measures, it does not assert.
 *
 * <p>Run it with a fixed, pre-touched heap, so that RSS measures native memory rather than how far the
 * collector has grown the heap: {@code java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -Dai.djl.offline=true -cp
 * examples/target/classes:$(cat examples/target/classpath.txt) dev.persona4j.examples.bench.SoakBench [replies]
 * [threads] [backend]} (backend {@code java} or {@code djl}; default: the one {@code Backends.load} picks; the
 * java engine keeps the demo model's weights on that heap and needs {@code --add-modules jdk.incubator.vector}).
 */
public final class SoakBench {
  private static final int SAMPLE_EVERY = 200;
  private static final int WARM_UP = 400;
  private static final int CANDIDATES = 4;
  private static final double TOLERANCE = 0.05;
  private static final List<String> USER_TURNS = List.of("Good morning! What are you up to today?",
      "Tell me about the last thing that surprised you.", "What would you do with a free afternoon?",
      "Do you have any advice for a beginner?", "What is the weather like where you are?");

  private SoakBench() {}

  /** {@code java} for the Java engine's model class, else {@code djl}. */
  private static String backendName(ObjectNode report) {
    return report.path("backend").asText().startsWith("Java") ? "java" : "djl";
  }

  /** Runs the soak; args: replies (2,000), threads (4) and backend (Backends' choice). */
  public static void main(String[] args) throws Exception {
    int replies = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ObjectNode report = Json.mapper().createObjectNode();
    report.put("replies", replies);
    report.put("threads", threads);
    report.put("candidates_per_reply", CANDIDATES);
    report.put("head", "in_character");
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("max_heap_mib", Runtime.getRuntime().maxMemory() / 1048576.0);
    report.put("jvm_arguments", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    report.put("load_average_at_start", ProcessStats.loadAverage());
    // glibc's allocator settings change how much freed native memory stays resident: say which were used
    ObjectNode malloc = report.putObject("malloc_environment");
    new java.util.TreeMap<>(System.getenv()).forEach((k, v) -> {
      if (k.startsWith("MALLOC_")) {
        malloc.put(k, v);
      }
    });
    List<String> personas = Workspace.personaIds();
    ArrayNode samples = report.putArray("samples");
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger wrongCandidateCount = new AtomicInteger();
    long start = System.nanoTime();
    LoadOptions.Builder options = LoadOptions.builder();
    if (args.length > 2) {
      options.backend(args[2]);
    }
    try (LanguageModel model = Backends.load(Workspace.demoModel(), options.build())) {
      report.put("backend", model.getClass().getSimpleName());
      Head inCharacter = HeadFiles.load(Workspace.demoModel().resolve("heads/in_character.safetensors"), model);
      List<PersonaGenerator> generators = new ArrayList<>();
      for (String id : personas) {
        generators.add(PersonaGenerator.builder(model, Workspace.persona(id))
            .heads(List.of(inCharacter)).candidates(CANDIDATES).build());
      }
      sample(samples, 0, start, memory);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        // Rounds of 200 replies from all threads, sampled between rounds: a sample taken while replies are
        // being decoded would count their transient buffers, not what the process keeps.
        for (int from = 0; from < replies; from += SAMPLE_EVERY) {
          int to = Math.min(replies, from + SAMPLE_EVERY);
          AtomicInteger next = new AtomicInteger(from);
          List<Callable<Void>> workers = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            workers.add(() -> {
              for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                PersonaGenerator generator = generators.get(i % generators.size());
                try {
                  Reply reply = generator.reply(Conversation.empty().withUser(USER_TURNS.get(i % USER_TURNS.size())),
                      ReplyOptions.builder().seed(i).build());
                  if (reply.candidates().size() != CANDIDATES) {
                    wrongCandidateCount.incrementAndGet();
                  }
                } catch (RuntimeException e) {
                  failures.incrementAndGet();
                  System.err.println("reply " + i + " failed: " + e);
                }
              }
              return null;
            });
          }
          for (Future<Void> w : pool.invokeAll(workers)) {
            w.get();
          }
          sample(samples, to, start, memory);
        }
      } finally {
        pool.shutdown();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    report.put("seconds", seconds);
    report.put("replies_per_second", replies / seconds);
    report.put("failed_replies", failures.get());
    report.put("replies_without_all_candidates", wrongCandidateCount.get());
    report.put("load_average_at_end", ProcessStats.loadAverage());
    summarize(report, samples);
    report.put("peak_rss_mib", ProcessStats.peakRssBytes() / 1048576.0);
    Path out = Workspace.home().resolve("docs/benchmarks/soak-report-" + backendName(report) + ".json");
    Files.createDirectories(out.getParent());
    Json.pretty().writeValue(out.toFile(), report);
    printTable(report, samples);
    System.out.println("report: " + out);
  }

  /** A sample after a full GC: replies done, seconds, RSS, heap in use, load average. */
  private static void sample(ArrayNode samples, int replies, long start, MemoryMXBean memory) {
    System.gc();
    ObjectNode s = samples.addObject();
    s.put("replies", replies);
    s.put("seconds", (System.nanoTime() - start) / 1e9);
    s.put("rss_mib", ProcessStats.rssBytes() / 1048576.0);
    s.put("heap_used_mib", memory.getHeapMemoryUsage().getUsed() / 1048576.0);
    s.put("heap_committed_mib", memory.getHeapMemoryUsage().getCommitted() / 1048576.0);
    s.put("load_average", ProcessStats.loadAverage());
    System.out.printf(Locale.ROOT, "%,6d replies %8.1f s  RSS %7.1f MiB  heap %6.1f of %6.1f MiB  load %.2f%n",
        replies, s.get("seconds").asDouble(), s.get("rss_mib").asDouble(), s.get("heap_used_mib").asDouble(),
        s.get("heap_committed_mib").asDouble(), s.get("load_average").asDouble());
  }

  /** RSS after the warm-up against its value at the end of the warm-up: the largest deviation and the verdict. */
  private static void summarize(ObjectNode report, ArrayNode samples) {
    double base = Double.NaN;
    double min = Double.MAX_VALUE;
    double max = 0;
    for (var s : samples) {
      if (s.get("replies").asInt() == WARM_UP) {
        base = s.get("rss_mib").asDouble();
      }
      if (s.get("replies").asInt() >= WARM_UP) {
        min = Math.min(min, s.get("rss_mib").asDouble());
        max = Math.max(max, s.get("rss_mib").asDouble());
      }
    }
    report.put("warm_up_replies", WARM_UP);
    report.put("rss_mib_after_warm_up", base);
    report.put("rss_mib_min_after_warm_up", min);
    report.put("rss_mib_max_after_warm_up", max);
    double deviation = Math.max(max - base, base - min) / base;
    report.put("rss_max_deviation_after_warm_up", deviation);
    report.put("rss_within_5_percent_after_warm_up", deviation <= TOLERANCE);
  }

  private static void printTable(ObjectNode report, ArrayNode samples) {
    System.out.println();
    System.out.println("| replies | seconds | RSS MiB | heap used MiB (after GC) | heap committed MiB | load |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (var s : samples) {
      System.out.printf(Locale.ROOT, "| %,d | %.0f | %.1f | %.1f | %.1f | %.2f |%n", s.get("replies").asInt(),
          s.get("seconds").asDouble(), s.get("rss_mib").asDouble(), s.get("heap_used_mib").asDouble(),
          s.get("heap_committed_mib").asDouble(), s.get("load_average").asDouble());
    }
    System.out.printf(Locale.ROOT, "%n%d replies in %.0f s (%.2f/s), %d failed; RSS after warm-up %.1f MiB, "
            + "%.1f-%.1f MiB after it: largest deviation %.1f%% (within 5%%: %s)%n",
        report.get("replies").asInt(), report.get("seconds").asDouble(), report.get("replies_per_second").asDouble(),
        report.get("failed_replies").asInt(), report.get("rss_mib_after_warm_up").asDouble(),
        report.get("rss_mib_min_after_warm_up").asDouble(), report.get("rss_mib_max_after_warm_up").asDouble(),
        100 * report.get("rss_max_deviation_after_warm_up").asDouble(),
        report.get("rss_within_5_percent_after_warm_up").asBoolean());
  }
}
