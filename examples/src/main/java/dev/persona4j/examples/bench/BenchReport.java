package dev.persona4j.examples.bench;


import static dev.persona4j.examples.bench.EngineRun.Figure.BATCH8_DECODE_MS_PER_STEP;
import static dev.persona4j.examples.bench.EngineRun.Figure.BEST_OF_N_MS;
import static dev.persona4j.examples.bench.EngineRun.Figure.DECODE_MS_PER_TOKEN;
import static dev.persona4j.examples.bench.EngineRun.Figure.ENGINE_START_SECONDS;
import static dev.persona4j.examples.bench.EngineRun.Figure.HEAD_SCORING_MS;
import static dev.persona4j.examples.bench.EngineRun.Figure.LOAD_SECONDS;
import static dev.persona4j.examples.bench.EngineRun.Figure.ONE_REPLY_MS;
import static dev.persona4j.examples.bench.EngineRun.Figure.PEAK_RSS_BYTES;
import static dev.persona4j.examples.bench.EngineRun.Figure.PREFILL_TOKENS_PER_SECOND;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.examples.bench.EngineRun.Figure;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The outcome of one benchmark invocation: the runs of each pair, the ratios computed pair by pair (and
 * their medians), as JSON and as a markdown table. A ratio is null where either side of it was not measured.
 */
public final class BenchReport {
  /** The targets of issue #5, for the note; nothing asserts them. */
  static final String[][] TARGETS = {
      {"bestOf8OverOne", "<= 1.6"},
      {"candidatesPerSecondOverJlama", ">= 4"},
      {"decodeOverJlama", ">= 0.8"},
      {"headShare", "<= 0.01"},
      {"loadSeconds", "<= 1"},
      {"peakRssOverWeights", "<= 1.5"},
  };

  /** Issue 10's target for the java engine on Q8_0 (tokens/s over its own F32 tokens/s). */
  static final String Q8_DECODE_TARGET = ">= 1.8";
  static final String Q8_0 = "Q8_0";
  static final String Q4_K_M = "Q4_K_M";

  /**
   * One persona4j run and one Jlama run made back to back; either may be missing (with the reason).
   *
   * @param readBandwidth the machine's read bandwidth (bytes/s) measured next to the persona4j run, the
   *     larger of a measurement just before it and one just after; NaN where not measured
   */
  public record Pair(EngineRun persona4j, EngineRun jlama, String persona4jError, String jlamaError, double readBandwidth) {
    public Pair(EngineRun persona4j, EngineRun jlama, String persona4jError, String jlamaError) {
      this(persona4j, jlama, persona4jError, jlamaError, Double.NaN);
    }

    public static Pair of(EngineRun persona4j, EngineRun jlama) {
      return new Pair(persona4j, jlama, null, null);
    }

    /** The bandwidth bound on a batch-1 step over the persona4j run's step, both from this pair. */
    OptionalDouble decodeOverBound(long weightBytes) {
      return persona4j == null || !(readBandwidth > 0) ? OptionalDouble.empty()
          : divide(OptionalDouble.of(weightBytes / readBandwidth * 1e3), persona4j.figure(DECODE_MS_PER_TOKEN));
    }

    /** Best-of-N wall time over one-candidate wall time, both persona4j. */
    OptionalDouble bestOfOverOne() {
      return persona4j == null ? OptionalDouble.empty()
          : divide(persona4j.figure(BEST_OF_N_MS), persona4j.figure(ONE_REPLY_MS));
    }

    /** persona4j candidates/s over Jlama's (N sequential replies): Jlama's wall time over persona4j's. */
    OptionalDouble candidatesPerSecondOverJlama() {
      return persona4j == null || jlama == null ? OptionalDouble.empty()
          : divide(jlama.figure(BEST_OF_N_MS), persona4j.figure(BEST_OF_N_MS));
    }

    /** persona4j batch-1 decode tokens/s over Jlama's: Jlama's ms/token over persona4j's. */
    OptionalDouble decodeOverJlama() {
      return persona4j == null || jlama == null ? OptionalDouble.empty()
          : divide(jlama.figure(DECODE_MS_PER_TOKEN), persona4j.figure(DECODE_MS_PER_TOKEN));
    }

    /** Share of the best-of-N reply's wall time spent scoring candidates with the head. */
    OptionalDouble headShare() {
      return persona4j == null ? OptionalDouble.empty()
          : divide(persona4j.figure(HEAD_SCORING_MS), persona4j.figure(BEST_OF_N_MS));
    }
  }

  /**
   * One persona4j run on a GGUF copy of the checkpoint quantized to {@code type} (java engine only); the copy or
   * the run may be missing, with the reason in {@code error}.
   *
   * @param file the GGUF file, or null when it could not be written
   * @param fileBytes the file's size (0 when not written)
   * @param tensorBytes bytes of tensor data in the file (0 when not written)
   * @param tensorTypes tensors of each type in the file
   */
  record Quantized(String type, Path file, long fileBytes, long tensorBytes, Map<String, Integer> tensorTypes,
      EngineRun run, String error) {
    Quantized {
      Objects.requireNonNull(type, "type");
      tensorTypes = Collections.unmodifiableMap(new LinkedHashMap<>(tensorTypes));
      if (run == null && error == null) {
        throw new IllegalArgumentException("a quantized run of " + type + " needs a result or an error");
      }
    }

    /** The run on {@code copy}: its result, or why there is none. */
    static Quantized of(QuantizedCopy copy, EngineRun run, String error) {
      Map<String, Integer> types = new LinkedHashMap<>();
      copy.tensorTypes().forEach((t, n) -> types.put(t.name(), n));
      return new Quantized(copy.type().name(), copy.file(), copy.fileBytes(), copy.tensorBytes(), types, run, error);
    }

    /** No file to run on: it could not be written, or there was no time. */
    static Quantized failed(String type, Path file, String error) {
      return new Quantized(type, file, 0, 0, Map.of(), null, Objects.requireNonNull(error, "error"));
    }

    OptionalDouble figure(Figure figure) {
      return run == null ? OptionalDouble.empty() : run.figure(figure);
    }
  }

  private static final ObjectMapper JSON = Json.mapper();

  private final BenchSettings settings;
  private final long weightBytes;
  private final List<Pair> pairs;
  private final String jlamaSkipped;
  private final List<String> notes;
  private final double elapsedSeconds;
  private final ObjectNode machine;
  private final String backend;
  private final double readBandwidth;
  private final List<Quantized> quantized;

  private BenchReport(Builder b) {
    this.quantized = List.copyOf(b.quantized);
    this.backend = b.backend;
    this.readBandwidth = b.readBandwidth;
    this.settings = Objects.requireNonNull(b.settings, "settings");
    this.weightBytes = b.weightBytes;
    this.pairs = List.copyOf(b.pairs);
    this.jlamaSkipped = b.jlamaSkipped;
    this.notes = List.copyOf(b.notes);
    this.elapsedSeconds = b.elapsedSeconds;
    this.machine = b.machine.deepCopy();
  }

  public static Builder builder(BenchSettings settings, long weightBytes) {
    return new Builder(settings, weightBytes);
  }

  /** The median over pairs of best-of-N wall time over one-candidate wall time (persona4j). */
  public OptionalDouble bestOf8OverOne() {
    return medianOverPairs(Pair::bestOfOverOne);
  }

  /** The median over pairs of persona4j's best-of-N candidates/s over Jlama's. */
  public OptionalDouble candidatesPerSecondOverJlama() {
    return medianOverPairs(Pair::candidatesPerSecondOverJlama);
  }

  /** The median over pairs of persona4j's batch-1 decode tokens/s over Jlama's. */
  public OptionalDouble decodeOverJlama() {
    return medianOverPairs(Pair::decodeOverJlama);
  }

  /** The median over pairs of the head-scoring share of a best-of-N reply. */
  public OptionalDouble headShare() {
    return medianOverPairs(Pair::headShare);
  }

  /** persona4j's median load time in seconds. */
  public OptionalDouble loadSeconds() {
    return median(LOAD_SECONDS, true);
  }

  /** persona4j's median peak RSS over the checkpoint's weight bytes. */
  public OptionalDouble peakRssOverWeights() {
    OptionalDouble rss = median(PEAK_RSS_BYTES, true);
    return rss.isPresent() && weightBytes > 0 ? OptionalDouble.of(rss.getAsDouble() / weightBytes)
        : OptionalDouble.empty();
  }

  /** persona4j's median batch-8 step over its median batch-1 step. */
  public OptionalDouble batch8OverBatch1() {
    return divide(median(BATCH8_DECODE_MS_PER_STEP, true), median(DECODE_MS_PER_TOKEN, true));
  }

  /**
   * The read-bandwidth bound on a batch-1 step (weight bytes ÷ bandwidth) over persona4j's batch-1
   * step: 1 is a step that only streams the weights once. Where the pairs measured the bandwidth next
   * to their persona4j runs, the median over pairs of each run's own ratio: this machine's bandwidth
   * drifted between 30 and 61 GB/s from one run to the next (measured), so a figure from the start of
   * the run set against steps timed minutes later said more about the drift than about the engine.
   * Otherwise the run's one measurement over the median step.
   */
  public OptionalDouble decodeOverBound() {
    List<Double> perPair = new ArrayList<>();
    for (Pair p : pairs) {
      p.decodeOverBound(weightBytes).ifPresent(perPair::add);
    }
    if (!perPair.isEmpty()) {
      return OptionalDouble.of(Stats.median(perPair));
    }
    OptionalDouble step = median(DECODE_MS_PER_TOKEN, true);
    return step.isEmpty() || !(readBandwidth > 0) ? OptionalDouble.empty()
        : OptionalDouble.of(weightBytes / readBandwidth * 1e3 / step.getAsDouble());
  }

  /** The smallest and largest bandwidth the pairs measured next to their persona4j runs, or null if none. */
  private double[] pairBandwidthRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (Pair p : pairs) {
      if (p.readBandwidth() > 0) {
        lo = Math.min(lo, p.readBandwidth());
        hi = Math.max(hi, p.readBandwidth());
      }
    }
    return hi > 0 ? new double[] {lo, hi} : null;
  }

  /**
   * The java engine's batch-1 decode tokens/s on the GGUF copy of {@code type} over its tokens/s on the F32
   * checkpoint: the median F32 ms/token over pairs ÷ the quantized run's ms/token.
   */
  public OptionalDouble decodeOverF32(String type) {
    for (Quantized q : quantized) {
      if (q.type().equals(type)) {
        return divide(median(DECODE_MS_PER_TOKEN, true), q.figure(DECODE_MS_PER_TOKEN));
      }
    }
    return OptionalDouble.empty();
  }

  /** The report as JSON (the keys of issue #5 first). */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode ratios = root.putObject("ratios");
    put(ratios, "bestOf8OverOne", bestOf8OverOne());
    put(ratios, "candidatesPerSecondOverJlama", candidatesPerSecondOverJlama());
    put(ratios, "decodeOverJlama", decodeOverJlama());
    put(ratios, "headShare", headShare());
    if (backend.equals("java")) {
      // issue 10's keys, for the pure-Java engine
      put(ratios, "engine.decodeOverJlama", decodeOverJlama());
      put(ratios, "engine.bestOf8OverOne", bestOf8OverOne());
      put(ratios, "engine.batch8OverBatch1", batch8OverBatch1());
      put(ratios, "engine.decodeOverBound", decodeOverBound());
      put(ratios, "engine.peakRssOverWeights", peakRssOverWeights());
      put(ratios, "engine.q8DecodeOverF32", decodeOverF32(Q8_0));
      put(ratios, "engine.q4KMDecodeOverF32", decodeOverF32(Q4_K_M));
    }
    root.put("backend", backend);
    if (readBandwidth > 0) {
      root.put("readBandwidthBytesPerSecond", readBandwidth);
    }
    put(root, "loadSeconds", loadSeconds());
    put(root, "peakRssOverWeights", peakRssOverWeights());
    ObjectNode targets = root.putObject("targets");
    for (String[] t : TARGETS) {
      targets.put(t[0], t[1]);
    }
    if (backend.equals("java")) {
      targets.put("engine.q8DecodeOverF32", Q8_DECODE_TARGET);
    }
    root.set("persona4j", medians(true));
    root.set("jlama", medians(false));
    if (jlamaSkipped == null) {
      root.putNull("jlamaSkipped");
    } else {
      root.put("jlamaSkipped", jlamaSkipped);
    }
    if (backend.equals("java")) {
      root.set("quantized", quantizedJson());
    }
    root.set("settings", JSON.valueToTree(settings));
    root.put("weightBytes", weightBytes);
    var pairArray = root.putArray("pairs");
    for (Pair p : pairs) {
      ObjectNode n = pairArray.addObject();
      if (p.persona4j() == null) {
        n.putNull("persona4j");
      } else {
        n.set("persona4j", p.persona4j().json());
      }
      if (p.jlama() == null) {
        n.putNull("jlama");
      } else {
        n.set("jlama", p.jlama().json());
      }
      if (p.persona4jError() != null) {
        n.put("persona4jError", p.persona4jError());
      }
      if (p.jlamaError() != null) {
        n.put("jlamaError", p.jlamaError());
      }
      if (p.readBandwidth() > 0) {
        n.put("readBandwidthBytesPerSecond", p.readBandwidth());
      }
      ObjectNode r = n.putObject("ratios");
      put(r, "decodeOverBound", p.decodeOverBound(weightBytes));
      put(r, "bestOf8OverOne", p.bestOfOverOne());
      put(r, "candidatesPerSecondOverJlama", p.candidatesPerSecondOverJlama());
      put(r, "decodeOverJlama", p.decodeOverJlama());
      put(r, "headShare", p.headShare());
    }
    greedyAgreement().ifPresent(shared -> {
      ObjectNode g = root.putObject("greedyAgreement");
      g.put("sharedLeadingTokens", shared);
      g.put("of", settings.newTokens());
    });
    root.set("machine", machine.deepCopy());
    root.put("elapsedSeconds", elapsedSeconds);
    var noteArray = root.putArray("notes");
    notes.forEach(noteArray::add);
    return root;
  }

  /** The report as a markdown table, with the settings and notes below it. */
  public String toMarkdown() {
    int n = settings.candidates();
    int k = settings.newTokens();
    boolean jlama = jlamaSkipped == null;
    StringBuilder md = new StringBuilder();
    md.append("| Measurement | persona4j" + (backend.equals("djl") ? "" : " (" + backend + " engine)")
        + " | Jlama 0.8.4 | Ratio (median of pairs) | Target |\n");
    md.append("|---|---|---|---|---|\n");
    OptionalDouble engineStart = median(ENGINE_START_SECONDS, true);
    row(md, "Load (s)", fmt(loadSeconds(), "%.2f")
        + (engineStart.isPresent() ? " (+" + fmt(engineStart, "%.2f") + " engine start)" : ""),
        jlamaCell(jlama, median(LOAD_SECONDS, false), "%.2f"), "", "persona4j ≤ 1 s");
    row(md, "Prefill, " + settings.promptTokens() + "-token prompt (tokens/s)",
        fmt(median(PREFILL_TOKENS_PER_SECOND, true), "%.0f"),
        jlamaCell(jlama, median(PREFILL_TOKENS_PER_SECOND, false), "%.0f"), "", "");
    row(md, "Decode, batch 1 (ms/token)", fmt(median(DECODE_MS_PER_TOKEN, true), "%.1f"),
        jlamaCell(jlama, median(DECODE_MS_PER_TOKEN, false), "%.1f"),
        fmt(decodeOverJlama(), "%.2f×") + " Jlama tokens/s", "≥ 0.8×");
    for (Quantized q : quantized) {
      row(md, "Decode, batch 1, " + q.type() + " GGUF (ms/token)",
          fmt(q.figure(DECODE_MS_PER_TOKEN), "%.1f"), "—",
          fmt(decodeOverF32(q.type()), "%.2f×") + " F32 tokens/s", q.type().equals(Q8_0) ? "≥ 1.8×" : "");
    }
    row(md, "Decode, batch 8 (ms/step)", fmt(median(BATCH8_DECODE_MS_PER_STEP, true), "%.1f"),
        jlama ? "no batched decoding" : "skipped", "", "");
    row(md, "Batch-8 step ÷ batch-1 step", fmt(batch8OverBatch1(), "%.2f×"), "", "", "");
    double[] range = pairBandwidthRange();
    if (range != null) {
      row(md, String.format(Locale.ROOT, "Batch-1 step ÷ bandwidth bound (%.0f MiB at %.1f–%.1f GB/s, measured next to each"
              + " run: %.1f–%.1f ms)", weightBytes / (double) (1 << 20), range[0] / 1e9, range[1] / 1e9,
          weightBytes / range[1] * 1e3, weightBytes / range[0] * 1e3),
          fmt(decodeOverBound(), "%.0f%%", 100), "", "", "");
    } else if (readBandwidth > 0) {
      row(md, String.format(Locale.ROOT, "Batch-1 step ÷ bandwidth bound (%.0f MiB at %.1f GB/s = %.1f ms)",
          weightBytes / (double) (1 << 20), readBandwidth / 1e9, weightBytes / readBandwidth * 1e3),
          fmt(decodeOverBound(), "%.0f%%", 100), "", "", "");
    }
    row(md, "One-candidate reply, " + k + " new tokens (ms)", fmt(median(ONE_REPLY_MS, true), "%.0f"),
        jlamaCell(jlama, median(ONE_REPLY_MS, false), "%.0f"), "", "");
    row(md, "Best-of-" + n + " reply, " + k + " new tokens (ms)", fmt(median(BEST_OF_N_MS, true), "%.0f"),
        jlamaCell(jlama, median(BEST_OF_N_MS, false), "%.0f") + (jlama ? " (" + n + " sequential)" : ""),
        fmt(bestOf8OverOne(), "%.2f×") + " one candidate", "≤ 1.6×");
    row(md, "Candidates/s (best-of-" + n + ")", fmt(perSecond(median(BEST_OF_N_MS, true), n), "%.2f"),
        jlamaCell(jlama, perSecond(median(BEST_OF_N_MS, false), n), "%.2f"),
        fmt(candidatesPerSecondOverJlama(), "%.2f×") + " Jlama", "≥ 4×");
    row(md, "Head scoring share of the best-of-" + n + " reply", fmt(headShare(), "%.2f%%", 100), "—", "", "≤ 1%");
    row(md, "Peak RSS (MiB)", fmt(median(PEAK_RSS_BYTES, true), "%.0f", 1.0 / (1 << 20)),
        jlamaCell(jlama, median(PEAK_RSS_BYTES, false), "%.0f", 1.0 / (1 << 20)),
        fmt(peakRssOverWeights(), "%.2f×") + " weights (" + Math.round(weightBytes / (double) (1 << 20))
            + " MiB)", "≤ 1.5×");
    md.append('\n');
    md.append(String.format(Locale.ROOT, "%d pair(s) of processes, persona4j and Jlama alternating; in each process"
        + " %d warm-up and %d timed run(s); prompt %d tokens; %d new tokens per reply, end-of-sequence ignored;"
        + " %s. Elapsed %.0f s.%n", pairs.size(), settings.warmup(), settings.repeats(), settings.promptTokens(),
        k, settings.quick() ? "--quick" : "full run", elapsedSeconds));
    greedyAgreement().ifPresent(shared -> md.append(String.format(Locale.ROOT,
        "Greedy tokens of the two engines agree on the first %d of %d.%n", shared, k)));
    if (!jlama) {
      md.append("Jlama comparison skipped: ").append(jlamaSkipped).append('\n');
    }
    for (Quantized q : quantized) {
      md.append(quantizedLine(q)).append('\n');
    }
    for (String note : notes) {
      md.append("- ").append(note).append('\n');
    }
    return md.toString();
  }

  /** Writes {@link #toJson()} and {@link #toMarkdown()}, creating parent directories. */
  public void write(Path jsonFile, Path markdownFile) {
    try {
      if (jsonFile != null) {
        createParent(jsonFile);
        JSON.writerWithDefaultPrettyPrinter().writeValue(jsonFile.toFile(), toJson());
      }
      if (markdownFile != null) {
        createParent(markdownFile);
        Files.writeString(markdownFile, toMarkdown());
      }
    } catch (IOException e) {
      throw new BenchException("cannot write the benchmark report (" + jsonFile + ", " + markdownFile + "): "
          + e.getMessage(), e);
    }
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private ObjectNode quantizedJson() {
    ObjectNode out = JSON.createObjectNode();
    for (Quantized q : quantized) {
      ObjectNode n = out.putObject(q.type());
      if (q.file() == null) {
        n.putNull("file");
      } else {
        n.put("file", q.file().toString());
      }
      if (q.fileBytes() > 0) {
        n.put("fileBytes", q.fileBytes());
        n.put("tensorBytes", q.tensorBytes());
        ObjectNode types = n.putObject("tensorTypes");
        q.tensorTypes().forEach(types::put);
      } else {
        n.putNull("fileBytes");
        n.putNull("tensorBytes");
      }
      for (Figure figure : new Figure[] {LOAD_SECONDS, PREFILL_TOKENS_PER_SECOND, DECODE_MS_PER_TOKEN,
          BATCH8_DECODE_MS_PER_STEP, ONE_REPLY_MS, BEST_OF_N_MS}) {
        put(n, figure.key(), q.figure(figure));
      }
      OptionalDouble rss = q.figure(PEAK_RSS_BYTES);
      if (rss.isPresent()) {
        n.put(PEAK_RSS_BYTES.key(), (long) rss.getAsDouble()); // bytes, as the file sizes
      } else {
        n.putNull(PEAK_RSS_BYTES.key());
      }
      put(n, "decodeOverF32", decodeOverF32(q.type()));
      if (q.error() != null) {
        n.put("error", q.error());
      }
      if (q.run() == null) {
        n.putNull("result");
      } else {
        n.set("result", q.run().json());
      }
    }
    return out;
  }

  /** The markdown line below the table for one quantized run: the file and its other figures, or the error. */
  private static String quantizedLine(Quantized q) {
    StringBuilder line = new StringBuilder(q.type()).append(" GGUF");
    if (q.fileBytes() > 0) {
      line.append(String.format(Locale.ROOT, " %s: %.1f MiB file, %.1f MiB of tensors %s", q.file().getFileName(),
          q.fileBytes() / (double) (1 << 20), q.tensorBytes() / (double) (1 << 20), q.tensorTypes()));
      if (q.tensorTypes().containsKey("F16")) {
        // e.g. SmolLM2-135M's rows of 576 are not whole Q4_K blocks of 256: most of its "Q4_K_M" is F16
        line.append(" (F16: matrices whose rows are not whole blocks of the type)");
      }
    }
    if (q.run() != null) {
      line.append(String.format(Locale.ROOT, "; load %s s, prefill %s tokens/s, batch 8 %s ms/step,"
          + " one reply %s ms, best-of-%d %s ms, peak RSS %s MiB", fmt(q.figure(LOAD_SECONDS), "%.2f"),
          fmt(q.figure(PREFILL_TOKENS_PER_SECOND), "%.0f"), fmt(q.figure(BATCH8_DECODE_MS_PER_STEP), "%.1f"),
          fmt(q.figure(ONE_REPLY_MS), "%.0f"), q.run().json().path("candidates").asInt(0),
          fmt(q.figure(BEST_OF_N_MS), "%.0f"), fmt(q.figure(PEAK_RSS_BYTES), "%.0f", 1.0 / (1 << 20))));
    }
    if (q.error() != null) {
      line.append(": ").append(q.error());
    }
    return line.append('.').toString();
  }

  /** Shared leading greedy tokens of the first pair where both engines ran. */
  private java.util.Optional<Integer> greedyAgreement() {
    for (Pair p : pairs) {
      if (p.persona4j() != null && p.jlama() != null) {
        int[] a = p.persona4j().firstReplyTokens();
        int[] b = p.jlama().firstReplyTokens();
        if (a.length > 0 && b.length > 0) {
          return java.util.Optional.of(EngineRun.commonPrefix(a, b));
        }
      }
    }
    return java.util.Optional.empty();
  }

  private ObjectNode medians(boolean persona4j) {
    ObjectNode n = JSON.createObjectNode();
    for (Figure figure : Figure.values()) {
      if (persona4j || figure != ENGINE_START_SECONDS) {
        put(n, figure.key(), median(figure, persona4j));
      }
    }
    return n;
  }

  private OptionalDouble median(Figure figure, boolean persona4j) {
    List<Double> values = new ArrayList<>();
    for (Pair p : pairs) {
      EngineRun run = persona4j ? p.persona4j() : p.jlama();
      if (run != null) {
        run.figure(figure).ifPresent(values::add);
      }
    }
    return values.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Stats.median(values));
  }

  private OptionalDouble medianOverPairs(Function<Pair, OptionalDouble> ratio) {
    List<Double> values = new ArrayList<>();
    for (Pair p : pairs) {
      ratio.apply(p).ifPresent(values::add);
    }
    return values.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Stats.median(values));
  }

  private static OptionalDouble divide(OptionalDouble a, OptionalDouble b) {
    return a.isPresent() && b.isPresent() && b.getAsDouble() > 0
        ? OptionalDouble.of(a.getAsDouble() / b.getAsDouble()) : OptionalDouble.empty();
  }

  private static OptionalDouble perSecond(OptionalDouble ms, int count) {
    return ms.isPresent() && ms.getAsDouble() > 0 ? OptionalDouble.of(count * 1000.0 / ms.getAsDouble())
        : OptionalDouble.empty();
  }

  private static void put(ObjectNode node, String key, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(key, value.getAsDouble());
    } else {
      node.putNull(key);
    }
  }

  private static String jlamaCell(boolean ran, OptionalDouble value, String format) {
    return jlamaCell(ran, value, format, 1.0);
  }

  private static String jlamaCell(boolean ran, OptionalDouble value, String format, double scale) {
    return ran ? fmt(value, format, scale) : "skipped";
  }

  private static String fmt(OptionalDouble value, String format) {
    return fmt(value, format, 1.0);
  }

  private static String fmt(OptionalDouble value, String format, double scale) {
    return value.isPresent() ? String.format(Locale.ROOT, format, value.getAsDouble() * scale) : "n/a";
  }

  private static void row(StringBuilder md, String... cells) {
    md.append('|');
    for (String c : cells) {
      md.append(' ').append(c.isEmpty() ? " " : c).append(" |");
    }
    md.append('\n');
  }

  /** Collects a report's parts. */
  public static final class Builder {
    private final BenchSettings settings;
    private final long weightBytes;
    private final List<Pair> pairs = new ArrayList<>();
    private final List<Quantized> quantized = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String jlamaSkipped;
    private double elapsedSeconds;
    private ObjectNode machine = JSON.createObjectNode();
    private String backend = "djl";
    private double readBandwidth = Double.NaN;

    private Builder(BenchSettings settings, long weightBytes) {
      this.settings = Objects.requireNonNull(settings, "settings");
      if (weightBytes <= 0) {
        throw new IllegalArgumentException("weightBytes must be positive, got " + weightBytes);
      }
      this.weightBytes = weightBytes;
    }

    /** The backend persona4j ran on: {@code djl} or {@code java}. */
    public Builder backend(String backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** This machine's memory read bandwidth in bytes per second, measured in the same run. */
    public Builder readBandwidth(double bytesPerSecond) {
      this.readBandwidth = bytesPerSecond;
      return this;
    }

    public Builder pair(Pair pair) {
      pairs.add(Objects.requireNonNull(pair, "pair"));
      return this;
    }

    /** A run of the java engine on a quantized GGUF copy of the checkpoint (reported with {@code --engine java}). */
    Builder quantized(Quantized run) {
      quantized.add(Objects.requireNonNull(run, "run"));
      return this;
    }

    /** Why there is no Jlama comparison (e.g. the JDK it needs is absent). */
    public Builder jlamaSkipped(String reason) {
      this.jlamaSkipped = Objects.requireNonNull(reason, "reason");
      return this;
    }

    public Builder note(String note) {
      notes.add(Objects.requireNonNull(note, "note"));
      return this;
    }

    public Builder elapsedSeconds(double seconds) {
      this.elapsedSeconds = seconds;
      return this;
    }

    /** Facts about the machine (cores, load average), reported as given. */
    public Builder machine(ObjectNode machine) {
      this.machine = Objects.requireNonNull(machine, "machine").deepCopy();
      return this;
    }

    public BenchReport build() {
      return new BenchReport(this);
    }
  }
}
