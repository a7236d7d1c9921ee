package dev.persona4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.persona4j.internal.Json;

/**
 * Runs one of the benchmark's child processes (an engine measurement or a build) with its output going to a
 * log file, and reads the one result line it prints. A process that overruns its time is ended, with every
 * process it started.
 */
final class ChildProcess {

  private ChildProcess() {}

  /** Runs {@code command} to completion; throws with the log's tail unless it exits 0. */
  static void run(String what, List<String> command, Map<String, String> env, Path workDir, Path log,
      Duration timeout) {
    int exit = start(what, command, env, workDir, log, log, timeout);
    if (exit != 0) {
      throw new BenchException(what + " failed (exit " + exit + "); see " + log + ":\n" + tail(log, 25));
    }
  }

  /**
   * Runs {@code command} and returns the JSON object printed on its standard output after
   * {@code resultPrefix} (the last such line).
   */
  static ObjectNode runForResult(String what, List<String> command, Map<String, String> env, Path log,
      Duration timeout, String resultPrefix) {
    Path out = log.resolveSibling(log.getFileName() + ".stdout");
    int exit = start(what, command, env, null, out, log, timeout);
    String result = null;
    try {
      for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        if (line.startsWith(resultPrefix)) {
          result = line.substring(resultPrefix.length()).trim();
        }
      }
    } catch (IOException e) {
      throw new BenchException(what + ": cannot read its output " + out + ": " + e.getMessage(), e);
    }
    if (exit != 0 || result == null) {
      throw new BenchException(what + " failed (exit " + exit + (result == null ? ", no result line" : "")
          + "); see " + log + ":\n" + tail(log, 25));
    }
    try {
      JsonNode node = Json.mapper().readTree(result);
      if (!node.isObject()) {
        throw new BenchException(what + " printed a result that is not a JSON object: " + result);
      }
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new BenchException(what + " printed a result that is not JSON (" + e.getMessage() + "): " + result, e);
    }
  }

  private static int start(String what, List<String> command, Map<String, String> env, Path workDir, Path stdout,
      Path stderr, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    try {
      Files.createDirectories(stderr.toAbsolutePath().getParent());
      pb.redirectOutput(stdout.toFile());
      if (stdout.equals(stderr)) {
        pb.redirectErrorStream(true);
      } else {
        pb.redirectError(stderr.toFile());
      }
      Process process = pb.start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          stop(process);
          throw new BenchException(what + " did not finish within " + timeout.toSeconds() + " s and was stopped;"
              + " see " + stderr);
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        stop(process);
        Thread.currentThread().interrupt();
        throw new BenchException(what + " was interrupted", e);
      }
    } catch (IOException e) {
      throw new BenchException("cannot start " + what + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  /** Ends a process this class started, and its descendants, politely first. */
  private static void stop(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    boolean ended;
    try {
      ended = process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = false;
    }
    if (!ended) {
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** The last lines of a log file, for error messages. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
