package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.engine.gguf.GgufFileType;
import dev.persona4j.examples.bench.EngineRun.Figure;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.persona4j.internal.Json;

/**
 * {@code persona4j bench}: measures persona4j on a locally generated SmolLM2-135M-shaped checkpoint against
 * Jlama on the same checkpoint, alternating the two engines' processes pair by pair, and writes a JSON and a
 * markdown report.
 */
@Command(
    name = "bench",
    subcommands = {BenchWorkerCommand.class},
    description = {
        "Benchmark persona4j against Jlama on a generated SmolLM2-135M-shaped fp32 checkpoint (no download):"
            + " load time, prefill, batch-1 and batch-8 decoding, best-of-8 vs one candidate, head scoring share,"
            + " peak RSS.",
        "Each engine runs in its own process; the two alternate pair by pair."})
public final class BenchCommand implements Callable<Integer> {
  /** Wall-time budget of {@code --quick}, checked before each further pair is started. */
  static final Duration QUICK_BUDGET = Duration.ofSeconds(270);
  /** Hard limit of {@code --quick}: an engine run still going then is stopped (and reported as missing). */
  static final Duration QUICK_LIMIT = Duration.ofSeconds(290);

  @Option(names = "--quick", description = "Short replies and at most 2 pairs: finishes within 5 minutes.")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", description = "JSON report (default: examples/target/bench/report.json).")
  Path json;

  @Option(names = "--markdown", paramLabel = "FILE", description = "Markdown report (default: beside the JSON, .md).")
  Path markdown;

  @Option(names = "--model", paramLabel = "DIR",
      description = "Use this checkpoint instead of the generated one (examples/target/bench-model).")
  Path model;

  @Option(names = "--pairs", description = "Process pairs (default: 2 with --quick, else 5).")
  Integer pairs;

  @Option(names = "--new-tokens", description = "New tokens per reply (default: 16 with --quick, else 64).")
  Integer newTokens;

  @Option(names = "--jdk", paramLabel = "DIR", description = "JDK for Jlama (default: ${DEFAULT-VALUE}).",
      defaultValue = "/usr/lib/jvm/temurin-25-jdk-amd64")
  Path jdk;

  @Option(names = "--no-jlama", description = "Measure persona4j only.")
  boolean noJlama;

  @Option(names = "--engine", paramLabel = "NAME", defaultValue = "djl",
      description = "persona4j's backend: djl (default) or java (the pure-Java engine, then also on Q8_0 and"
          + " Q4_K_M GGUF copies of the checkpoint, written to examples/target when missing or stale).")
  String engine;

  @Option(names = "--profile", paramLabel = "FILE",
      description = "Record the first persona4j run with Java Flight Recorder into FILE and summarise it.")
  Path profile;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    long started = System.nanoTime();
    Path examples = examplesDirectory();
    Path outDir = examples.resolve("target/bench");
    Path jsonFile = json != null ? json : outDir.resolve("report.json");
    Path mdFile = markdown != null ? markdown : siblingWithExtension(jsonFile, ".md");
    Path logs = outDir.resolve("logs");
    BenchSettings defaults = quick ? BenchSettings.quickRun() : BenchSettings.fullRun();
    BenchSettings settings = new BenchSettings(quick, pairs != null ? pairs : defaults.pairs(),
        defaults.promptTokens(), newTokens != null ? newTokens : defaults.newTokens(), defaults.candidates(),
        defaults.warmup(), defaults.repeats());
    if (!engine.equals("djl") && !engine.equals("java")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--engine must be djl or java, got '" + engine + "'");
    }
    double loadBefore = ProcessStats.loadAverage();

    Path modelDir = model;
    if (modelDir == null) {
      SmolCheckpointGenerator generator = SmolCheckpointGenerator.smolLm2Shaped();
      modelDir = examples.resolve("target/bench-model");
      if (!generator.isCurrent(modelDir)) {
        err.println("bench: generating the SmolLM2-135M-shaped checkpoint in " + modelDir + " ...");
      }
      generator.ensure(modelDir);
    }
    int[] prompt = prompt(modelDir, settings.promptTokens());
    long weightBytes = weightBytes(modelDir);
    BenchReport.Builder report = BenchReport.builder(settings, weightBytes);
    report.backend(engine);
    err.println("bench: measuring this machine's memory read bandwidth ...");
    double bandwidth = ReadBandwidth.measure(Runtime.getRuntime().availableProcessors());
    report.readBandwidth(bandwidth);
    err.printf(Locale.ROOT, "bench: read bandwidth %.1f GB/s: a batch-1 step reading %d MiB of weights takes at least %.1f ms%n",
        bandwidth / 1e9, weightBytes >> 20, weightBytes / bandwidth * 1e3);

    JlamaEngine jlama = new JlamaEngine(examples.resolve("jlama-runner"), jdk);
    Optional<String> jlamaSkipped = noJlama ? Optional.of("--no-jlama given") : jlama.unavailableReason();
    if (jlamaSkipped.isEmpty()) {
      try {
        err.println("bench: building the Jlama runner (first use only) ...");
        jlama.ensureBuilt(logs.resolve("jlama-runner-build.log"));
      } catch (BenchException e) {
        jlamaSkipped = Optional.of("the Jlama runner could not be built: " + firstLine(e.getMessage()));
      }
    }
    jlamaSkipped.ifPresent(reason -> {
      err.println("bench: Jlama comparison skipped: " + reason);
      report.jlamaSkipped(reason);
    });

    Persona4jEngine persona4j = new Persona4jEngine(engine, weightBytes);
    int threads = Runtime.getRuntime().availableProcessors();
    Duration fullTimeout = Duration.ofMinutes(20);
    long longestPair = 0;
    long longestPersona4j = 0;
    int done = 0;
    for (int p = 0; p < settings.pairs(); p++) {
      long pairStart = System.nanoTime();
      if (quick && p > 0 && elapsed(started) + longestPair > QUICK_BUDGET.toNanos()) {
        report.note(String.format(Locale.ROOT, "--quick stopped after %d pair(s) to stay within %d s"
            + " (a pair took up to %.0f s on this machine).", p, QUICK_BUDGET.toSeconds(), longestPair / 1e9));
        break;
      }
      EngineRun p4j = null;
      double pairBandwidth = Double.NaN;
      EngineRun jl = null;
      String p4jError = null;
      String jlError = null;
      // Alternate which engine goes first, so a drift in machine load does not favour one of them.
      boolean persona4jFirst = p % 2 == 0;
      for (int turn = 0; turn < 2; turn++) {
        boolean runPersona4j = (turn == 0) == persona4jFirst;
        Duration timeout = quick ? QUICK_LIMIT.minusNanos(elapsed(started)) : fullTimeout;
        if (timeout.toSeconds() < 10) {
          String late = "not run: the --quick time limit of " + QUICK_LIMIT.toSeconds() + " s was reached";
          if (runPersona4j) {
            p4jError = late;
          } else if (jlamaSkipped.isEmpty()) {
            jlError = late;
          }
          continue;
        }
        if (runPersona4j) {
          err.printf(Locale.ROOT, "bench: pair %d/%d: persona4j ...%n", p + 1, settings.pairs());
          // the bound next to the run it bounds: this machine's bandwidth drifts from run to run
          double before = ReadBandwidth.measure(threads);
          long runStart = System.nanoTime();
          try {
            p4j = persona4j.run(modelDir, prompt, settings, logs.resolve("persona4j-" + (p + 1) + ".log"), timeout,
                p == 0 ? profile : null);
            pairBandwidth = Math.max(before, ReadBandwidth.measure(threads));
            err.printf(Locale.ROOT, "bench:   read bandwidth %.1f GB/s before the run, %.1f GB/s at most around it%n",
                before / 1e9, pairBandwidth / 1e9);
            err.println("bench:   " + summary(p4j));
          } catch (BenchException e) {
            p4jError = e.getMessage();
            err.println("bench:   persona4j run failed: " + e.getMessage());
          }
          longestPersona4j = Math.max(longestPersona4j, System.nanoTime() - runStart);
        } else if (jlamaSkipped.isEmpty()) {
          err.printf(Locale.ROOT, "bench: pair %d/%d: Jlama ...%n", p + 1, settings.pairs());
          try {
            jl = jlama.run(modelDir, prompt, settings, threads, logs.resolve("jlama-" + (p + 1) + ".log"), timeout);
            err.println("bench:   " + summary(jl));
          } catch (BenchException e) {
            jlError = e.getMessage();
            err.println("bench:   Jlama run failed: " + e.getMessage());
          }
        }
      }
      report.pair(new BenchReport.Pair(p4j, jl, p4jError, jlError, pairBandwidth));
      done++;
      longestPair = Math.max(longestPair, System.nanoTime() - pairStart);
    }

    if (engine.equals("java")) {
      // Issue 10: the same engine on GGUF copies of the same checkpoint, once each, after the F32 pairs.
      List<GgufFileType> types = quick ? List.of(GgufFileType.Q8_0) : List.of(GgufFileType.Q8_0, GgufFileType.Q4_K_M);
      for (GgufFileType type : types) {
        Path file = QuantizedCopy.fileFor(examples.resolve("target"), modelDir, type);
        if (quick && elapsed(started) + longestPersona4j > QUICK_BUDGET.toNanos()) {
          String late = String.format(Locale.ROOT, "not run: --quick stays within %d s (a persona4j run took up to"
              + " %.0f s on this machine)", QUICK_BUDGET.toSeconds(), longestPersona4j / 1e9);
          err.println("bench: " + type + " " + late);
          report.quantized(BenchReport.Quantized.failed(type.name(), file, late));
          continue;
        }
        QuantizedCopy copy;
        try {
          copy = QuantizedCopy.ensure(modelDir, type, file, err);
        } catch (BenchException e) {
          err.println("bench:   " + type + " copy failed: " + e.getMessage());
          report.quantized(BenchReport.Quantized.failed(type.name(), file, e.getMessage()));
          continue;
        }
        int runs = quick ? 1 : QUANTIZED_RUNS;
        List<EngineRun> finished = new ArrayList<>();
        BenchReport.Quantized failed = null;
        for (int i = 0; i < runs; i++) {
          BenchReport.Quantized q = runQuantized(copy, prompt, settings, logs,
              quick ? QUICK_LIMIT.minusNanos(elapsed(started)) : fullTimeout, err);
          if (q.run() != null) {
            finished.add(q.run());
          } else {
            failed = q;
          }
        }
        if (finished.isEmpty()) {
          report.quantized(failed);
          continue;
        }
        report.quantized(BenchReport.Quantized.of(copy, medianRun(finished), null));
        if (finished.size() > 1) {
          report.note(String.format(Locale.ROOT, "%s GGUF: %d runs, batch-1 steps %s ms; the median run's figures are reported.",
              type, finished.size(), finished.stream().map(r -> String.format(Locale.ROOT, "%.1f",
                  r.figure(Figure.DECODE_MS_PER_TOKEN).orElse(Double.NaN))).collect(Collectors.joining(", "))));
        }
      }
    }

    report.note("Both engines use " + threads + " threads; persona4j's worker runs with OMP_WAIT_POLICY="
        + Persona4jEngine.environment().get("OMP_WAIT_POLICY") + ".");
    report.note("persona4j's replies (one candidate and best-of-" + settings.candidates() + ") go through the"
        + " generator's CandidateDecoder: temperature 0.8 / top-p 0.95 sampling, incremental detokenisation, the"
        + " middle layer tapped at every step, one extra step for the last token's activations, then a linear probe"
        + " scores each candidate. Jlama's replies are greedy with none of these. Batch-1 and batch-8 decode rows"
        + " are plain greedy steps on both sides.");
    if (profile != null && Files.isRegularFile(profile)) {
      String summary = ProfileSummary.summarise(profile);
      report.note("Profile of the first persona4j run (" + profile + "):\n\n" + summary);
      err.println(summary);
    }
    double loadAfter = ProcessStats.loadAverage();
    report.note(String.format(Locale.ROOT, "Machine: %d cores; 1-minute load average %.1f before, %.1f after."
        + " Other processes on the same cores slow both engines and make single figures vary.", threads,
        loadBefore, loadAfter));
    ObjectNode machine = Json.mapper().createObjectNode();
    machine.put("availableProcessors", threads);
    machine.put("loadAverageBefore", loadBefore);
    machine.put("loadAverageAfter", loadAfter);
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    machine.put("benchJava", System.getProperty("java.version"));
    machine.put("jlamaJdk", jdk.toString());
    report.machine(machine);
    report.note("Model: " + modelDir.toAbsolutePath() + " (" + done + " pair(s) run).");
    report.elapsedSeconds(elapsed(started) / 1e9);
    BenchReport built = report.build();
    built.write(jsonFile, mdFile);
    System.out.println(built.toMarkdown());
    err.println("bench: wrote " + jsonFile + " and " + mdFile);
    return 0;
  }

  /**
   * The run with the median batch-1 step (the faster of the two middle ones for an even count), which
   * stands for a GGUF copy: a single run had met this machine at its slowest (1.70× F32 against
   * 2.19–2.69× in the runs before it).
   */
  static EngineRun medianRun(List<EngineRun> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs");
    }
    List<EngineRun> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(r -> r.figure(Figure.DECODE_MS_PER_TOKEN).orElse(Double.MAX_VALUE)));
    return sorted.get((sorted.size() - 1) / 2);
  }

  /** Runs of each GGUF copy in a full run (one with --quick): the median one is reported. */
  static final int QUANTIZED_RUNS = 3;

  /** One java-engine run on a quantized copy; a failure (or no time left) is the result's error, not a throw. */
  private static BenchReport.Quantized runQuantized(QuantizedCopy copy, int[] prompt, BenchSettings settings,
      Path logs, Duration timeout, PrintStream err) {
    if (timeout.toSeconds() < 10) {
      String late = "not run: the --quick time limit of " + QUICK_LIMIT.toSeconds() + " s was reached";
      err.println("bench: " + copy.type() + " " + late);
      return BenchReport.Quantized.of(copy, null, late);
    }
    err.println("bench: persona4j on " + copy.file() + " ...");
    // The heap is sized for the weights: quantized blocks are held with their scales widened to float32
    // (Q4_K holds 4/3 of its stored bytes), hence more than the file's tensor bytes.
    Persona4jEngine onFile = new Persona4jEngine("java", copy.tensorBytes() * 3 / 2);
    try {
      EngineRun run = onFile.run(copy.file(), prompt, settings, logs.resolve("persona4j-" + copy.type() + ".log"),
          timeout, null);
      err.println("bench:   " + copy.type() + " " + summary(run));
      return BenchReport.Quantized.of(copy, run, null);
    } catch (BenchException e) {
      err.println("bench:   " + copy.type() + " run failed: " + e.getMessage());
      return BenchReport.Quantized.of(copy, null, e.getMessage());
    }
  }

  /** The benchmark prompt: the {@link BenchPrompt} conversation as the generator assembles it. */
  static int[] prompt(Path modelDir, int length) {
    try (Tokenizer tokenizer = Tokenizer.load(modelDir)) {
      return BenchPrompt.of(tokenizer, length).ids();
    }
  }

  /** Bytes of tensor data in the checkpoint's safetensors files (file sizes less their headers). */
  static long weightBytes(Path modelDir) {
    try (Stream<Path> files = Files.list(modelDir)) {
      long total = 0;
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".safetensors"))::iterator) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
          ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
          while (len.hasRemaining() && ch.read(len) >= 0) {
            // read the 8-byte header length
          }
          len.flip();
          total += ch.size() - 8 - len.getLong();
        }
      }
      if (total <= 0) {
        throw new BenchException("no safetensors weights in " + modelDir);
      }
      return total;
    } catch (IOException e) {
      throw new BenchException("cannot read the checkpoint " + modelDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The examples module's directory: where this class was loaded from ({@code examples/target/classes}),
   * else the working directory's {@code examples} (or itself).
   */
  static Path examplesDirectory() {
    try {
      Path classes = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path candidate = classes.getParent() == null ? null : classes.getParent().getParent();
      if (candidate != null && Files.isRegularFile(candidate.resolve("jlama-runner/pom.xml"))) {
        return candidate;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the working directory
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("examples/jlama-runner/pom.xml"))) {
        return dir.resolve("examples");
      }
      if (Files.isRegularFile(dir.resolve("jlama-runner/pom.xml"))) {
        return dir;
      }
    }
    return cwd.resolve("examples");
  }

  private static String summary(EngineRun run) {
    return String.format(Locale.ROOT, "%s: load %s s, prefill %s tok/s, decode %s ms/token, batch-8 %s ms/step,"
        + " one reply %s ms, best-of %s ms, peak RSS %s MiB", run.engine(), f(run, Figure.LOAD_SECONDS, 1),
        f(run, Figure.PREFILL_TOKENS_PER_SECOND, 1), f(run, Figure.DECODE_MS_PER_TOKEN, 1),
        f(run, Figure.BATCH8_DECODE_MS_PER_STEP, 1), f(run, Figure.ONE_REPLY_MS, 1), f(run, Figure.BEST_OF_N_MS, 1),
        f(run, Figure.PEAK_RSS_BYTES, 1.0 / (1 << 20)));
  }

  private static String f(EngineRun run, Figure figure, double scale) {
    java.util.OptionalDouble v = run.figure(figure);
    return v.isPresent() ? String.format(Locale.ROOT, "%.1f", v.getAsDouble() * scale) : "n/a";
  }

  private static long elapsed(long start) {
    return System.nanoTime() - start;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Path siblingWithExtension(Path file, String extension) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
  }
}
