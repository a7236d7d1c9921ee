package dev.persona4j.spark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Rows per second of persona generation on {@code local[1]} and {@code local[2]} over the demo model (400 good rows,
 * the model profile's best of 8 unless {@code -Dbench.candidates} / {@code -Dbench.maxTokens} say otherwise), and the
 * model loads in the JVM (the executors' in local mode). Not a test: run it by hand (README, "Batch generation with
 * Spark"); it prints the figures and writes {@code docs/benchmarks/spark-report.json} (or the path given).
 */
public final class SparkBench {
  private SparkBench() {}

  public static void main(String[] args) throws IOException {
    int rows = Integer.getInteger("bench.rows", 400);
    Integer candidates = Integer.getInteger("bench.candidates");
    Integer maxTokens = Integer.getInteger("bench.maxTokens");
    Path report = Path.of(args.length > 0 ? args[0] : DemoData.EXAMPLES.resolveSibling("docs/benchmarks/spark-report.json").toString());
    if (!DemoData.present()) {
      throw new IllegalStateException("the demo model is not at " + DemoData.MODEL);
    }
    PersonaGeneration.Builder builder = PersonaGeneration.builder(DemoData.MODEL.toString())
        .personaDirectory(DemoData.PERSONAS.toString());
    if (candidates != null) {
      builder.candidates(candidates);
    }
    if (maxTokens != null) {
      builder.maxNewTokens(maxTokens);
    }
    PersonaGeneration job = builder.build();
    List<Row> input = DemoData.rows(rows, false);

    ObjectNode out = Json.mapper().createObjectNode();
    out.put("when", Instant.now().toString());
    out.put("load_average_start", loadAverage());
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("rows", rows);
    out.put("candidates", candidates == null ? "model profile's (8)" : candidates.toString());
    out.put("max_new_tokens", maxTokens == null ? "model profile's (64)" : maxTokens.toString());
    ArrayNode runs = out.putArray("runs");
    double[] rowsPerSecond = new double[2];
    for (int threads = 1; threads <= 2; threads++) {
      SparkSession spark = DemoData.session("local[" + threads + "]");
      try {
        Dataset<Row> frame = spark.createDataFrame(input, DemoData.SCHEMA).repartition(threads);
        if (threads == 1) {
          // Warm-up: the model loads here, once for the JVM, and the JIT sees the decoding loop.
          job.transform(frame.limit(8)).count();
        }
        long start = System.nanoTime();
        List<Row> result = job.transform(frame).select(functions.col("error"), functions.col("timings.decoding_steps"))
            .collectAsList();
        double seconds = (System.nanoTime() - start) / 1e9;
        long errors = result.stream().filter(r -> !r.isNullAt(0)).count();
        rowsPerSecond[threads - 1] = result.size() / seconds;
        runs.addObject().put("master", "local[" + threads + "]").put("partitions", threads).put("rows", result.size())
            .put("errors", errors).put("seconds", round(seconds)).put("rows_per_second", round(rowsPerSecond[threads - 1]))
            .put("model_loads_in_jvm_after", PersonaGeneration.modelLoadsInThisJvm());
        System.out.printf(Locale.ROOT, "local[%d]: %d rows in %.1f s = %.2f rows/s (%d errors); model loads so far: %d%n",
            threads, result.size(), seconds, rowsPerSecond[threads - 1], errors, PersonaGeneration.modelLoadsInThisJvm());
      } finally {
        spark.stop();
      }
    }
    out.put("speedup_local2_over_local1", round(rowsPerSecond[1] / rowsPerSecond[0]));
    out.put("model_loads_in_jvm", PersonaGeneration.modelLoadsInThisJvm());
    out.put("load_average_end", loadAverage());
    Files.createDirectories(report.toAbsolutePath().getParent());
    Json.pretty().writeValue(report.toFile(), out);
    System.out.println("Report: " + report.toAbsolutePath());
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }

  /** The 1-, 5- and 15-minute load averages (Linux), or "unknown". */
  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
