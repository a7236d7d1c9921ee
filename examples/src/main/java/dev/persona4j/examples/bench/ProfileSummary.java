package dev.persona4j.examples.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a Java Flight Recording of the persona4j worker: where the main thread's time went, by
 * benchmark phase and decoding stage, and within the batch-1 and batch-8 decode steps by the persona4j method
 * nearest the top of the stack and by the engine call (JNI method) at the top. Execution samples (Java code)
 * and native-method samples (the thread inside the engine) are weighted by their sampling periods.
 */
final class ProfileSummary {
  private static final String CORE = "dev.persona4j.core.";
  private static final String SAMPLERS = "dev.persona4j.samplers.";
  private static final String BENCH = Persona4jBench.class.getName();
  private static final String STATE = "dev.persona4j.core.backend.djl.DjlDecodingState";
  /** Sampling periods of JFR's "profile" settings, in ms. */
  private static final double EXECUTION_MS = 10;
  private static final double NATIVE_MS = 20;

  /** One stack sample of the main thread, classified. */
  record Sample(String phase, String stage, String core, String leaf, double ms) {}

  private ProfileSummary() {}

  static String summarise(Path jfr) {
    List<Sample> samples = read(jfr);
    double total = samples.stream().mapToDouble(Sample::ms).sum();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Main thread, %.1f s sampled (JFR \"profile\" settings).%n", total / 1000));
    table(out, "Phase / stage", samples, s -> true, s -> s.phase() + " / " + s.stage(), 12);
    Predicate<Sample> batch1 = s -> s.phase().equals("greedyReply") && s.stage().equals("step");
    Predicate<Sample> batch8 = s -> s.phase().equals("batchDecode") && s.stage().equals("step");
    table(out, "Batch-1 decode step: persona4j method", samples, batch1, Sample::core, 12);
    table(out, "Batch-1 decode step: engine call", samples, batch1, Sample::leaf, 8);
    table(out, "Batch-8 decode step: persona4j method", samples, batch8, Sample::core, 12);
    table(out, "Batch-8 decode step: engine call", samples, batch8, Sample::leaf, 8);
    table(out, "Best-of-N reply: stage", samples, s -> s.phase().equals("candidateReply"), Sample::stage, 8);
    table(out, "Best-of-N reply outside the model: top frame", samples,
        s -> s.phase().equals("candidateReply") && !s.stage().equals("step") && !s.stage().equals("prefill"),
        Sample::leaf, 8);
    table(out, "Engine start: top frame", samples, s -> s.phase().equals("startEngine"), Sample::leaf, 5);
    table(out, "Model load: persona4j method", samples, s -> s.phase().equals("load"), Sample::core, 8);
    table(out, "Model load: top frame", samples, s -> s.phase().equals("load"), Sample::leaf, 8);
    return out.toString();
  }

  static List<Sample> read(Path jfr) {
    List<Sample> samples = new ArrayList<>();
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
        if (stack == null || stack.getFrames().isEmpty() || !"main".equals(e.getThread("sampledThread").getJavaName())) {
          continue;
        }
        samples.add(classify(stack.getFrames(), weight));
      }
    } catch (IOException e) {
      throw new BenchException("cannot read the flight recording " + jfr + ": " + e.getMessage(), e);
    }
    return samples;
  }

  private static Sample classify(List<RecordedFrame> frames, double weight) {
    String leaf = name(frames.get(0));
    String core = null;
    String stage = null;
    String phase = "(other)";
    for (RecordedFrame f : frames) {
      String n = name(f);
      if (core == null && n.startsWith(CORE)) {
        core = n.substring(CORE.length());
      }
      if (stage == null && n.startsWith(STATE + ".")) {
        String m = n.substring(STATE.length() + 1);
        stage = m.equals("prefill") || m.equals("step") || m.equals("fork") ? m : null;
      }
      if (stage == null && n.startsWith(SAMPLERS)) {
        stage = "sampling";
      }
      if (n.startsWith(BENCH + ".")) {
        phase = n.substring(BENCH.length() + 1);
        break;
      }
    }
    if (stage == null) {
      stage = core != null ? "model (other)" : "bench code";
    }
    return new Sample(phase, stage, core == null ? "(outside persona4j core)" : core, leaf, weight);
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void table(StringBuilder out, String title, List<Sample> samples, Predicate<Sample> filter,
      Function<Sample, String> key, int top) {
    Map<String, Double> counts = new LinkedHashMap<>();
    double total = 0;
    for (Sample s : samples) {
      if (filter.test(s)) {
        counts.merge(key.apply(s), s.ms(), Double::sum);
        total += s.ms();
      }
    }
    if (total == 0) {
      return;
    }
    double all = total;
    out.append(String.format(Locale.ROOT, "%n| %s | share | s |%n|---|---|---|%n", title));
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> out.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.2f |%n", e.getKey(),
            100 * e.getValue() / all, e.getValue() / 1000)));
  }
}
