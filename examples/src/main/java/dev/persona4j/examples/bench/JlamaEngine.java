package dev.persona4j.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The Jlama side of the benchmark: builds {@code examples/jlama-runner} on first use with the Temurin 25 JDK
 * and runs it in its own process ({@code --add-modules jdk.incubator.vector --enable-preview}, as Jlama
 * requires).
 */
final class JlamaEngine {
  /** Where the benchmark looks for the JDK Jlama runs on (Jlama needs Java 20+ and the Vector API). */
  static final Path DEFAULT_JDK = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
  static final String RESULT_PREFIX = "JLAMA_RESULT ";
  private static final String MAIN_CLASS = "dev.persona4j.jlamarunner.JlamaRunner";

  private final Path runnerDir;
  private final Path jdk;

  JlamaEngine(Path runnerDir, Path jdk) {
    this.runnerDir = runnerDir;
    this.jdk = jdk;
  }

  /** Why the comparison cannot run here, or empty when it can. */
  Optional<String> unavailableReason() {
    if (!Files.isExecutable(jdk.resolve("bin/java"))) {
      return Optional.of("no JDK at " + jdk + " (Jlama needs Java 20+ with jdk.incubator.vector; pass --jdk DIR)");
    }
    if (!Files.isRegularFile(runnerDir.resolve("pom.xml"))) {
      return Optional.of("the Jlama runner project is not at " + runnerDir);
    }
    return Optional.empty();
  }

  /** Builds the runner unless its build is newer than its sources: offline first, then online. */
  void ensureBuilt(Path log) {
    Path stamp = runnerDir.resolve("target/.runner-built");
    if (isUpToDate(stamp)) {
      return;
    }
    Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());
    List<String> offline = List.of("mvn", "-q", "-o", "-B", "-Dstyle.color=never", "-f", "pom.xml", "package");
    try {
      ChildProcess.run("building the Jlama runner (offline)", offline, env, runnerDir, log, Duration.ofMinutes(5));
    } catch (BenchException offlineFailure) {
      List<String> online = List.of("mvn", "-q", "-B", "-Dstyle.color=never", "-f", "pom.xml", "package");
      ChildProcess.run("building the Jlama runner", online, env, runnerDir, log, Duration.ofMinutes(10));
    }
    try {
      Files.writeString(stamp, "built\n");
    } catch (IOException e) {
      throw new BenchException("cannot write " + stamp + ": " + e.getMessage(), e);
    }
  }

  private boolean isUpToDate(Path stamp) {
    if (!Files.isRegularFile(stamp) || !Files.isRegularFile(runnerDir.resolve("target/classpath.txt"))) {
      return false;
    }
    try (Stream<Path> sources = Files.walk(runnerDir.resolve("src"))) {
      FileTime built = Files.getLastModifiedTime(stamp);
      List<Path> inputs = new ArrayList<>(sources.filter(Files::isRegularFile).toList());
      inputs.add(runnerDir.resolve("pom.xml"));
      for (Path p : inputs) {
        if (Files.getLastModifiedTime(p).compareTo(built) > 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs the runner once: load, warm-up, timed replies; returns what it printed. */
  EngineRun run(Path model, int[] promptIds, BenchSettings s, int threads, Path log, Duration timeout) {
    String classpath;
    try {
      classpath = runnerDir.resolve("target/classes") + ":"
          + Files.readString(runnerDir.resolve("target/classpath.txt")).trim();
    } catch (IOException e) {
      throw new BenchException("the Jlama runner is not built (" + e.getMessage() + ")", e);
    }
    List<String> command = List.of(
        jdk.resolve("bin/java").toString(), "--add-modules", "jdk.incubator.vector", "--enable-preview",
        "-cp", classpath, MAIN_CLASS,
        "--model", model.toAbsolutePath().toString(),
        "--prompt-ids", IntStream.of(promptIds).mapToObj(Integer::toString).collect(Collectors.joining(",")),
        "--new-tokens", Integer.toString(s.newTokens()),
        "--warmup", Integer.toString(s.warmup()),
        "--repeats", Integer.toString(s.repeats()),
        "--candidates", Integer.toString(s.candidates()),
        "--threads", Integer.toString(threads));
    return EngineRun.fromJson(ChildProcess.runForResult("the Jlama run", command,
        Map.of("OPT_OUT_TRACKING", "true"), log, timeout, RESULT_PREFIX));
  }
}
