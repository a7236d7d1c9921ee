package dev.persona4j.examples.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.persona4j.examples.Persona4jCli;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The persona4j side of the benchmark: runs {@code bench worker} in a child JVM (same Java, same class path)
 * so that its peak RSS is persona4j's alone and it alternates cleanly with Jlama's process.
 */
final class Persona4jEngine {
  private final String backend;
  private final long weightBytes;

  /**
   * @param backend the backend the worker loads the checkpoint with: {@code djl} or {@code java}
   * @param weightBytes the checkpoint's weight bytes (the java engine holds them on the Java heap)
   */
  Persona4jEngine(String backend, long weightBytes) {
    this.backend = backend;
    this.weightBytes = weightBytes;
  }

  static final String RESULT_PREFIX = "PERSONA4J_RESULT ";

  /** libgomp's busy-waiting is very slow on shared cores; the project's tests use PASSIVE for the same reason. */
  static final String DEFAULT_OMP_WAIT_POLICY = "PASSIVE";

  /** The environment the worker runs with: DJL offline and untracked; OMP_WAIT_POLICY kept if set. */
  static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("OPT_OUT_TRACKING", "true");
    String omp = System.getenv("OMP_WAIT_POLICY");
    env.put("OMP_WAIT_POLICY", omp == null ? DEFAULT_OMP_WAIT_POLICY : omp);
    return env;
  }

  /** Whether this JVM (the one the child runs on) has the HotSpot option {@code name}. */
  private static boolean hasVmOption(String name) {
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Runs one measurement in a child JVM.
   *
   * @param jfr where to write a Java Flight Recording of the run, or null for none
   */
  EngineRun run(Path model, int[] promptIds, BenchSettings s, Path log, Duration timeout, Path jfr) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    // persona4j keeps weights, caches and activations in native memory; the Java heap holds only
    // logits copies and sampler state. Left to its defaults (an initial heap of 1/64 of RAM, G1
    // collecting late) the JVM would add ~300 MB of garbage to the footprint being measured.
    if (backend.equals("java")) {
      // The java engine keeps its weights on the heap, in a few large arrays: room for them plus a small
      // young generation (the per-step garbage is small), so the footprint is the weights, not the
      // collector's headroom; the heap reserved at once (committed, not touched) so that loading does
      // not grow it step by step through full collections, and in huge pages (a fault per 2 MiB, not
      // per 4 KiB: loading 513 MiB took a quarter less CPU). The Vector API is an incubator module on JDK 17.
      String heap = ((weightBytes >> 20) * 5 / 4 + 512) + "m";
      command.add("--add-modules");
      command.add("jdk.incubator.vector");
      command.add("-Xms" + heap);
      command.add("-Xmx" + heap);
      command.add("-Xmn32m");
      command.add("-XX:+UseTransparentHugePages");
      if (hasVmOption("TrimNativeHeapInterval")) {
        // C2 frees the arenas it compiled the kernels in (tens of MB), but glibc keeps freed memory
        // of a thread's arena resident: trimming it each second took 15-25 MiB off the process (JDK 17.0.9+).
        command.add("-XX:TrimNativeHeapInterval=1000");
      }
    } else {
      command.add("-Xms32m");
      command.add("-Xmx256m");
    }
    command.add("-XX:+UseSerialGC");
    if (jfr != null) {
      // "profile" samples Java stacks every 10 ms and threads in native code (the engine's ops) every 20 ms.
      command.add("-XX:StartFlightRecording=filename=" + jfr.toAbsolutePath() + ",settings=profile");
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Persona4jCli.class.getName());
    command.add("bench");
    command.add("worker");
    command.add("--model=" + model.toAbsolutePath());
    command.add("--prompt-ids=" + IntStream.of(promptIds).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    command.add("--new-tokens=" + s.newTokens());
    command.add("--warmup=" + s.warmup());
    command.add("--repeats=" + s.repeats());
    command.add("--candidates=" + s.candidates());
    command.add("--engine=" + backend);
    return EngineRun.fromJson(ChildProcess.runForResult("the persona4j run", command, environment(), log, timeout,
        RESULT_PREFIX));
  }
}
