package dev.persona4j.engine;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.internal.Json;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the Java engine (and the DJL engine, for comparison) on a model directory, usually
 * examples' generated SmolLM2-135M-shaped checkpoint ({@code examples/target/bench-model} after a
 * {@code persona4j bench}): load time, batch-1 decode tokens/s, a batch-8 step over a batch-1 step,
 * and the memory read bandwidth of this machine measured in the same run, from which the bound on
 * a batch-1 step (weight bytes ÷ bandwidth). Prints the figures and writes them as JSON.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp ... dev.persona4j.engine.EngineBench MODEL_DIR [OUT.json] [--java-only]
 * </pre>
 */
public final class EngineBench {
  private static final int WARMUP_STEPS = 8;
  private static final int STEPS = 24;
  private static final int REPEATS = 5;
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private EngineBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: EngineBench MODEL_DIR [OUT.json] [--java-only]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Path out = args.length > 1 && !args[1].startsWith("--") ? Path.of(args[1]) : Path.of("target/engine-bench.json");
    boolean javaOnly = List.of(args).contains("--java-only");
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", dir.toAbsolutePath().toString());
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("loadAverageBefore", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    double bandwidth;
    try (Workers workers = Workers.sizedToMachine()) {
      bandwidth = readBandwidth(workers);
    }
    report.put("readBandwidthGBs", bandwidth / 1e9);
    System.out.printf(Locale.ROOT, "memory read bandwidth: %.2f GB/s (all cores, streaming sum)%n", bandwidth / 1e9);

    Map<String, Object> java = measure(dir, "java");
    long weightBytes = (long) java.get("weightBytes");
    double boundMs = weightBytes / bandwidth * 1e3;
    java.put("boundStepMs", boundMs);
    java.put("decodeOverBound", boundMs / (double) java.get("batch1StepMs"));
    report.put("java", java);
    if (!javaOnly) {
      report.put("djl", measure(dir, "djl"));
    }
    report.put("loadAverageAfter", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(Locale.ROOT, "java: bound %.1f ms per step (%d MB of weights); batch-1 step at %.0f%% of the bound%n",
        boundMs, weightBytes >> 20, 100 * (double) java.get("decodeOverBound"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Json.pretty().writeValue(out.toFile(), report);
    System.out.println("wrote " + out);
  }

  /**
   * Best of several streaming sums of a 512 MB array over every core, in bytes per second: the
   * read bandwidth a batch-1 step is bound by (it reads every weight once).
   */
  static double readBandwidth(Workers workers) {
    int n = 128 << 20;
    float[] data = new float[n];
    Arrays.fill(data, 1f);
    for (int i = 0; i < 2000; i++) {
      sum(data, 0, 1 << 12); // compiled before it is timed
    }
    int chunks = workers.threads() * 16;
    int per = n / chunks;
    double best = 0;
    float[] sink = new float[chunks];
    for (int repeat = 0; repeat < 8; repeat++) {
      long start = System.nanoTime();
      workers.forEach(chunks, c -> sink[c] = sum(data, c * per, (c + 1) * per));
      double seconds = (System.nanoTime() - start) / 1e9;
      best = Math.max(best, 4.0 * n / seconds);
    }
    if (sink[0] != per) {
      throw new IllegalStateException("streaming sum is wrong: " + sink[0]);
    }
    return best;
  }

  /** Sum of data[from, to), four vector accumulators (to − from a multiple of 4 vectors). */
  private static float sum(float[] data, int from, int to) {
    VectorSpecies<Float> f = PanelMatrix.F;
    int l = f.length();
    FloatVector a0 = FloatVector.zero(f), a1 = a0, a2 = a0, a3 = a0;
    for (int i = from; i < to; i += 4 * l) {
      a0 = a0.add(FloatVector.fromArray(f, data, i));
      a1 = a1.add(FloatVector.fromArray(f, data, i + l));
      a2 = a2.add(FloatVector.fromArray(f, data, i + 2 * l));
      a3 = a3.add(FloatVector.fromArray(f, data, i + 3 * l));
    }
    return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
  }

  private static Map<String, Object> measure(Path dir, String backend) {
    Map<String, Object> r = new LinkedHashMap<>();
    long start = System.nanoTime();
    try (LanguageModel model = Backends.load(dir, LoadOptions.builder().backend(backend).device(LoadOptions.DevicePreference.CPU).build())) {
      double loadMs = (System.nanoTime() - start) / 1e6;
      r.put("loadMs", loadMs);
      if (model instanceof JavaLanguageModel j) {
        r.put("weightBytes", j.weightBytes());
      }
      int[] prompt = new int[32];
      Arrays.setAll(prompt, i -> 1 + (i * 37) % (model.info().vocabSize() - 1));
      double[][] one = new double[REPEATS][];
      double[][] eight = new double[REPEATS][];
      try (DecodingState state = model.newState()) {
        for (int repeat = 0; repeat < REPEATS; repeat++) {
          // alternate batch 1 and batch 8, so load from other processes hits both alike
          one[repeat] = stepMs(state, prompt, 1);
          eight[repeat] = stepMs(state, prompt, 8);
        }
      }
      double b1 = median(one, 0);
      double b8 = median(eight, 0);
      r.put("batch1StepMs", b1);
      r.put("batch8StepMs", b8);
      r.put("batch1StepCpuMs", median(one, 1));
      r.put("batch8StepCpuMs", median(eight, 1));
      r.put("decodeTokensPerSecond", 1e3 / b1);
      r.put("batch8OverBatch1", b8 / b1);
      System.out.printf(Locale.ROOT, "%s: load %.0f ms; batch-1 step %.2f ms (%.1f tokens/s, %.1f ms CPU); batch-8 step %.2f ms (%.1f ms CPU) = %.2f× batch-1 (medians of %d)%n",
          backend, loadMs, b1, 1e3 / b1, median(one, 1), b8, median(eight, 1), b8 / b1, REPEATS);
    }
    return r;
  }

  private static double median(double[][] runs, int column) {
    double[] v = new double[runs.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = runs[i][column];
    }
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /**
   * Median wall and mean process-CPU milliseconds of a step of {@code batch} forks of the prompt, after
   * warm-up steps. CPU time (every thread of the process) tells the work done when other processes
   * share the cores and stretch the wall time.
   */
  private static double[] stepMs(DecodingState state, int[] prompt, int batch) {
    Forward f = state.prefill(List.of(prompt), ForwardRequest.lastLogits());
    int root = f.sequence(0);
    int[] ids = new int[batch];
    ids[0] = root;
    if (batch > 1) {
      System.arraycopy(state.fork(root, batch - 1), 0, ids, 1, batch - 1);
    }
    int[] tokens = new int[batch];
    double[] ms = new double[STEPS];
    long cpuStart = 0;
    for (int s = 0; s < WARMUP_STEPS + STEPS; s++) {
      for (int i = 0; i < batch; i++) {
        tokens[i] = 1 + (s * 13 + i * 7) % 400;
      }
      if (s == WARMUP_STEPS) {
        cpuStart = CPU.getProcessCpuTime();
      }
      long t0 = System.nanoTime();
      state.step(ids, tokens, ForwardRequest.lastLogits());
      if (s >= WARMUP_STEPS) {
        ms[s - WARMUP_STEPS] = (System.nanoTime() - t0) / 1e6;
      }
    }
    // the process CPU clock ticks in 10 ms: its mean over the timed steps, not a median of ticks
    double cpuMs = (CPU.getProcessCpuTime() - cpuStart) / 1e6 / STEPS;
    state.release(ids);
    Arrays.sort(ms);
    return new double[] {ms[STEPS / 2], cpuMs};
  }
}
