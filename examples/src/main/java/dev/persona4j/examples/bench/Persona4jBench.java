package dev.persona4j.examples.bench;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.core.heads.Tensor;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.StopConditions;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.CandidateScorer;
import dev.persona4j.samplers.rejection.SelectionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The persona4j side of the benchmark, run inside the worker JVM. The replies are what users call:
 * {@link PersonaGenerator#reply} with one candidate and with N candidates scored by a linear probe
 * (best of N), the same number of new tokens each (end-of-sequence tokens banned), on the
 * {@link BenchPrompt} conversation. The generator has no notion of a single decode step, so
 * prefill and batch-1 and batch-N greedy decode steps are timed on the backend SPI
 * ({@link DecodingState}) the generator runs on. The result uses the same keys as the Jlama
 * runner's, so the two are compared field by field.
 */
final class Persona4jBench {
  /** What to measure. */
  record Settings(Path model, int[] promptIds, int newTokens, int warmup, int repeats, int candidates, String backend) {
    /** With the DJL engine. */
    Settings(Path model, int[] promptIds, int newTokens, int warmup, int repeats, int candidates) {
      this(model, promptIds, newTokens, warmup, repeats, candidates, "djl");
    }

    Settings {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(backend, "backend");
      promptIds = promptIds.clone();
      if (promptIds.length == 0 || newTokens < 2 || warmup < 0 || repeats < 1 || candidates < 1) {
        throw new IllegalArgumentException("need a prompt, newTokens >= 2, warmup >= 0, repeats >= 1, candidates >= 1");
      }
    }
  }

  /** New tokens of a warm-up reply. */
  static final int WARMUP_TOKENS = 4;

  private final Settings settings;
  private final LanguageModel model;
  private final BenchPrompt prompt;
  private final Head head;
  private final Map<String, Long> rssTimeline = new LinkedHashMap<>();

  private Persona4jBench(Settings settings, LanguageModel model) {
    this.settings = settings;
    this.model = model;
    this.prompt = BenchPrompt.of(model.tokenizer(), settings.promptIds().length);
    if (!Arrays.equals(prompt.ids(), settings.promptIds())) {
      throw new BenchException("the prompt the generator assembles here differs from the "
          + settings.promptIds().length + "-token prompt the benchmark sent (another tokenizer?)");
    }
    this.head = probe("bench-probe", model.info().layers() / 2, model.info().hiddenSize(), 99L);
  }

  /**
   * A linear probe on one layer with seeded random weights: scoring costs the same whatever the weights, and
   * the benchmark has no labelled data to train one on.
   */
  static Head probe(String name, int layer, int hidden, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] mean = new float[hidden];
    float[] std = new float[hidden];
    float[] weight = new float[hidden];
    for (int i = 0; i < hidden; i++) {
      std[i] = 1f;
      weight[i] = (float) (random.nextGaussian() / Math.sqrt(hidden));
    }
    Map<String, Tensor> parameters = Map.of(
        "mean", Tensor.vector(mean), "std", Tensor.vector(std), "weight", Tensor.vector(weight),
        "bias", Tensor.vector(0f), "calibration", Tensor.vector(1f, 0f));
    return Head.fromParameters(HeadKind.LINEAR_PROBE, name, new int[] {layer}, hidden, parameters,
        Map.of(Head.META_POOLING, Pooling.MEAN.name()));
  }

  /** Runs every measurement and returns the result object (the worker prints it). */
  static ObjectNode run(Settings settings) {
    long engineStart = System.nanoTime();
    if (settings.backend().equals("djl")) {
      startEngine(); // before the load clock starts: its cost is reported on its own
    }
    double engineStartSeconds = (System.nanoTime() - engineStart) / 1e9;
    long rssEngine = ProcessStats.rssBytes();
    long loadStart = System.nanoTime();
    try (LanguageModel model = load(settings.model(), settings.backend())) {
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      long rssLoaded = ProcessStats.rssBytes();
      Persona4jBench bench = new Persona4jBench(settings, model);
      ObjectNode out = bench.measure();
      out.put("engineStartSeconds", engineStartSeconds);
      out.put("loadSeconds", loadSeconds);
      out.put("peakRssBytes", ProcessStats.peakRssBytes());
      // Where the peak comes from: resident bytes after each stage of the run.
      ObjectNode timeline = out.putObject("rssTimelineBytes");
      timeline.put("engineStarted", rssEngine);
      timeline.put("loaded", rssLoaded);
      bench.rssTimeline.forEach(timeline::put);
      return out;
    }
  }

  // Own methods so that a profile tells engine start and model load apart.
  private static void startEngine() {
    Engine.getInstance();
  }

  private static LanguageModel load(Path model, String backend) {
    return Backends.load(model, LoadOptions.builder().backend(backend).device(LoadOptions.DevicePreference.CPU).build());
  }

  private ObjectNode measure() {
    int k = settings.newTokens();
    int n = settings.candidates();
    // Warm-up: the full prompt (the shapes the timed runs use) and a few tokens, as the Jlama runner does.
    int warmupTokens = Math.min(k, WARMUP_TOKENS);
    PersonaGenerator warmupBestOf = generator(n, warmupTokens);
    PersonaGenerator oneCandidate = generator(1, k);
    PersonaGenerator bestOf = generator(n, k);
    for (int w = 0; w < settings.warmup(); w++) {
      greedyReply(warmupTokens);
      batchDecode(n, warmupTokens);
      reply(warmupBestOf, warmupTokens, w);
    }
    rssTimeline.put("warmedUp", ProcessStats.rssBytes());
    List<Double> prefill = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    List<Double> batchSteps = new ArrayList<>();
    List<Double> one = new ArrayList<>();
    List<Double> best = new ArrayList<>();
    List<Double> heads = new ArrayList<>();
    int[] firstTokens = null;
    for (int r = 0; r < settings.repeats(); r++) {
      GreedyReply g = greedyReply(k);
      rssTimeline.putIfAbsent("greedyReply", ProcessStats.rssBytes());
      if (firstTokens == null) {
        firstTokens = g.tokens();
      }
      prefill.add(g.prefillMs());
      for (double s : g.stepMs()) {
        steps.add(s);
      }
      for (double s : batchDecode(n, k)) {
        batchSteps.add(s);
      }
      rssTimeline.putIfAbsent("batchDecode", ProcessStats.rssBytes());
      one.add(reply(oneCandidate, k, 1000 + r).wallMs());
      TimedReply b = reply(bestOf, k, 2000 + r);
      best.add(b.wallMs());
      rssTimeline.putIfAbsent("bestOfReply", ProcessStats.rssBytes());
      heads.add(b.headScoringMs());
    }
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("engine", "persona4j");
    out.put("backend", settings.backend());
    out.put("engineVersion", settings.backend().equals("djl")
        ? "persona4j " + model.info().architecture() + " via DJL " + Engine.getDjlVersion() + " / "
            + Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion()
        : "persona4j " + model.info().architecture() + " on its " + settings.backend() + " engine");
    out.put("javaVersion", System.getProperty("java.version"));
    out.put("threads", Runtime.getRuntime().availableProcessors());
    out.put("promptTokens", settings.promptIds().length);
    out.put("newTokens", k);
    out.put("candidates", n);
    out.put("warmup", settings.warmup());
    out.put("repeats", settings.repeats());
    out.put("bestOfMethod", "PersonaGenerator.reply (prefill once, candidates decoded as one batch with a"
        + " middle-layer tap, linear probe, best of N)");
    double prefillMs = Stats.median(prefill);
    out.put("prefillMs", prefillMs);
    out.put("prefillTokensPerSecond", settings.promptIds().length / (prefillMs / 1000.0));
    out.put("decodeMsPerToken", Stats.median(steps));
    out.put("batch8DecodeMsPerStep", Stats.median(batchSteps));
    out.put("oneReplyMs", Stats.median(one));
    out.put("bestOfNMs", Stats.median(best));
    out.put("headScoringMs", Stats.median(heads));
    ArrayNode tokens = out.putArray("firstReplyTokens");
    for (int t : firstTokens) {
      tokens.add(t);
    }
    return out;
  }

  private record GreedyReply(double prefillMs, double[] stepMs, int[] tokens) {}

  /** Batch 1, greedy: the prefill and each decode step timed, the way the Jlama runner times them. */
  private GreedyReply greedyReply(int k) {
    int[] tokens = new int[k];
    double[] stepMs = new double[k - 1];
    try (DecodingState state = model.newState()) {
      long start = System.nanoTime();
      Forward f = state.prefill(List.of(settings.promptIds()), ForwardRequest.lastLogits());
      int seq = f.sequence(0);
      tokens[0] = argmax(f.lastLogits(0));
      double prefillMs = (System.nanoTime() - start) / 1e6;
      for (int i = 1; i < k; i++) {
        long t = System.nanoTime();
        f = state.step(new int[] {seq}, new int[] {tokens[i - 1]}, ForwardRequest.lastLogits());
        tokens[i] = argmax(f.lastLogits(0));
        stepMs[i - 1] = (System.nanoTime() - t) / 1e6;
      }
      return new GreedyReply(prefillMs, stepMs, tokens);
    }
  }

  /** Batch n: one prefill, fork to n sequences, then greedy steps over all of them; returns each step's ms. */
  private double[] batchDecode(int n, int newTokens) {
    double[] stepMs = new double[newTokens - 1];
    try (DecodingState state = model.newState()) {
      Forward f = state.prefill(List.of(settings.promptIds()), ForwardRequest.lastLogits());
      int[] seqs = sequencesAfterFork(state, f.sequence(0), n);
      int[] tokens = new int[n];
      Arrays.fill(tokens, argmax(f.lastLogits(0)));
      for (int i = 1; i < newTokens; i++) {
        long t = System.nanoTime();
        f = state.step(seqs, tokens, ForwardRequest.lastLogits());
        for (int c = 0; c < n; c++) {
          tokens[c] = argmax(f.lastLogits(c));
        }
        stepMs[i - 1] = (System.nanoTime() - t) / 1e6;
      }
    }
    return stepMs;
  }

  /**
   * A generator for replies of exactly {@code newTokens} tokens: end-of-sequence tokens are banned
   * rather than stopped at, so every run does the same work (as the Jlama runner, which ignores
   * them). With more than one candidate, the probe picks the best.
   */
  private PersonaGenerator generator(int candidates, int newTokens) {
    Set<Integer> ends = PersonaGenerator.builder(model, prompt.persona()).build()
        .stopConditions().stopTokenIds();
    return PersonaGenerator.builder(model, prompt.persona())
        .assembler(BenchPrompt.assembler(model.tokenizer()))
        .userName(BenchPrompt.USER_NAME)
        .sampler(SamplerSettings.builder().temperature(0.8).topP(0.95).bannedTokens(ends).build())
        .stop(StopConditions.builder().maxNewTokens(newTokens).build())
        .head(head)
        .policy(SelectionPolicy.builder().candidatesPerRound(candidates)
            .scorer(CandidateScorer.head(head.name())).build())
        .build();
  }

  private record TimedReply(double wallMs, double headScoringMs) {}

  /**
   * One reply through the generator, seeded; checks that it did the promised work (every candidate
   * {@code newTokens} long, a probability as the chosen score) and returns its wall time and the
   * part spent scoring.
   */
  private TimedReply reply(PersonaGenerator generator, int newTokens, long seed) {
    long start = System.nanoTime();
    Reply reply = generator.reply(prompt.conversation(), ReplyOptions.builder().seed(seed).build());
    double wallMs = (System.nanoTime() - start) / 1e6;
    for (Candidate c : reply.candidates()) {
      if (c.tokenCount() != newTokens) {
        throw new IllegalStateException("candidate " + c.index() + " has " + c.tokenCount() + " tokens ("
            + c.finishReason() + "), expected " + newTokens);
      }
    }
    double score = reply.chosen().scores().get(head.name());
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalStateException("head score " + score + " is not a probability");
    }
    return new TimedReply(wallMs, reply.timings().scoringNanos() / 1e6);
  }

  /** The prefilled sequence plus n-1 forks of it. */
  private static int[] sequencesAfterFork(DecodingState state, int seq, int n) {
    int[] forks = state.fork(seq, n - 1);
    int[] seqs = new int[n];
    seqs[0] = seq;
    System.arraycopy(forks, 0, seqs, 1, n - 1);
    return seqs;
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
