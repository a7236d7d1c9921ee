package dev.persona4j.examples.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.persona4j.internal.Json;

/**
 * {@code bench worker}: the persona4j measurement, run by {@code bench} in a child JVM. Prints one line,
 * {@code PERSONA4J_RESULT {json}}. Hidden: not meant to be run by hand.
 */
@Command(name = "worker", hidden = true, description = "Runs the persona4j side of the benchmark (internal).")
public final class BenchWorkerCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Checkpoint directory, or a GGUF file (--engine java).")
  Path model;

  @Option(names = "--prompt-ids", required = true, split = ",", description = "Prompt token ids.")
  int[] promptIds;

  @Option(names = "--new-tokens", required = true, description = "New tokens per reply.")
  int newTokens;

  @Option(names = "--warmup", defaultValue = "1", description = "Warm-up runs.")
  int warmup;

  @Option(names = "--repeats", defaultValue = "1", description = "Timed runs.")
  int repeats;

  @Option(names = "--candidates", defaultValue = "8", description = "Candidates of the best-of reply.")
  int candidates;

  @Option(names = "--engine", defaultValue = "djl", description = "Backend: djl or java.")
  String engine;

  @Override
  public Integer call() throws Exception {
    var result = Persona4jBench.run(
        new Persona4jBench.Settings(model, promptIds, newTokens, warmup, repeats, candidates, engine));
    System.out.println(Persona4jEngine.RESULT_PREFIX + Json.mapper().writeValueAsString(result));
    System.out.flush();
    return 0;
  }
}
