package dev.persona4j.examples.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a Java Flight Recording of the persona4j worker: where the main thread's time went, by
 * benchmark phase, by the persona4j method closest to the top of the stack and by the engine call (JNI
 * method) at the top. Execution samples (Java code) and native-method samples (threads inside the engine)
 * are weighted by their sampling periods.
 */
final class ProfileSummary {
  private static final String CORE = "dev.persona4j.core.";
  private static final String BENCH = Persona4jBench.class.getName();
  /** Sampling periods of JFR's "profile" settings, in ms. */
  private static final double EXECUTION_MS = 10;
  private static final double NATIVE_MS = 20;

  private ProfileSummary() {}

  static String summarise(Path jfr) {
    Map<String, Double> byPhase = new HashMap<>();
    Map<String, Double> byCore = new HashMap<>();
    Map<String, Double> byLeaf = new HashMap<>();
    Map<String, Double> byPhaseCore = new HashMap<>();
    double total = 0;
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        String type = e.getEventType().getName();
        double weight;
        if (type.equals("jdk.ExecutionSample")) {
          weight = EXECUTION_MS;
        } else if (type.equals("jdk.NativeMethodSample")) {
          weight = NATIVE_MS;
        } else {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || !"main".equals(e.getThread("sampledThread").getJavaName())) {
          continue;
        }
        List<RecordedFrame> frames = stack.getFrames();
        if (frames.isEmpty()) {
          continue;
        }
        String leaf = name(frames.get(0));
        String core = "(outside persona4j core)";
        String phase = "(other)";
        for (RecordedFrame f : frames) {
          String n = name(f);
          if (core.startsWith("(") && n.startsWith(CORE)) {
            core = n.substring(CORE.length());
          }
          if (n.startsWith(BENCH + ".")) {
            phase = n.substring(BENCH.length() + 1);
            break;
          }
        }
        total += weight;
        byPhase.merge(phase, weight, Double::sum);
        byCore.merge(core, weight, Double::sum);
        byLeaf.merge(leaf, weight, Double::sum);
        byPhaseCore.merge(phase + " > " + core, weight, Double::sum);
      }
    } catch (IOException e) {
      throw new BenchException("cannot read the flight recording " + jfr + ": " + e.getMessage(), e);
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Main thread, %.1f s sampled.%n", total / 1000));
    table(out, "Phase", byPhase, total, 10);
    table(out, "persona4j core method nearest the top of the stack", byCore, total, 15);
    table(out, "Top frame (engine call)", byLeaf, total, 15);
    table(out, "Phase > core method", byPhaseCore, total, 20);
    return out.toString();
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void table(StringBuilder out, String title, Map<String, Double> counts, double total, int top) {
    out.append(String.format(Locale.ROOT, "%n| %s | share | s |%n|---|---|---|%n", title));
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> out.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.2f |%n", e.getKey(),
            100 * e.getValue() / total, e.getValue() / 1000)));
  }
}
