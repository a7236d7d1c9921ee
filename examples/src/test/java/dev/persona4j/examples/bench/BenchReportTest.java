package dev.persona4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark report: ratios pair by pair, medians, nulls where a side was not measured. */
class BenchReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] RATIO_KEYS =
      {"bestOf8OverOne", "candidatesPerSecondOverJlama", "decodeOverJlama", "headShare"};

  @TempDir Path dir;

  private static EngineRun persona4j(double oneMs, double bestMs, double decodeMs, Double headMs, double load,
      long rss) {
    ObjectNode n = JSON.createObjectNode();
    n.put("engine", "persona4j");
    n.put("oneReplyMs", oneMs);
    n.put("bestOfNMs", bestMs);
    n.put("decodeMsPerToken", decodeMs);
    if (headMs == null) {
      n.putNull("headScoringMs");
    } else {
      n.put("headScoringMs", headMs);
    }
    n.put("loadSeconds", load);
    n.put("peakRssBytes", rss);
    n.putArray("firstReplyTokens").add(5).add(6).add(7);
    return EngineRun.fromJson(n);
  }

  private static EngineRun jlama(double bestMs, double decodeMs) {
    ObjectNode n = JSON.createObjectNode();
    n.put("engine", "jlama");
    n.put("bestOfNMs", bestMs);
    n.put("decodeMsPerToken", decodeMs);
    n.putNull("batch8DecodeMsPerStep");
    n.putArray("firstReplyTokens").add(5).add(6).add(9);
    return EngineRun.fromJson(n);
  }

  @Test
  void ratiosAreComputedPairByPairAndTheirMedianReported() throws IOException {
    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), 600)
        .pair(BenchReport.Pair.of(persona4j(1000, 1500, 50, 15.0, 0.8, 800), jlama(6000, 45)))
        .pair(BenchReport.Pair.of(persona4j(1000, 1700, 60, 34.0, 1.0, 900), jlama(8000, 48)))
        .build();
    Path json = dir.resolve("out/report.json");
    Path md = dir.resolve("out/report.md");
    report.write(json, md);

    JsonNode root = JSON.readTree(json.toFile());
    JsonNode ratios = root.get("ratios");
    assertEquals(1.6, ratios.get("bestOf8OverOne").asDouble(), 1e-9);            // median(1.5, 1.7)
    assertEquals((6000 / 1500.0 + 8000 / 1700.0) / 2, ratios.get("candidatesPerSecondOverJlama").asDouble(), 1e-9);
    assertEquals((45 / 50.0 + 48 / 60.0) / 2, ratios.get("decodeOverJlama").asDouble(), 1e-9);
    assertEquals((0.01 + 0.02) / 2, ratios.get("headShare").asDouble(), 1e-9);
    assertEquals(0.9, root.get("loadSeconds").asDouble(), 1e-9);
    assertEquals(850 / 600.0, root.get("peakRssOverWeights").asDouble(), 1e-9);
    assertEquals(2, root.get("pairs").size());
    assertEquals(6000 / 1500.0, root.get("pairs").get(0).get("ratios").get("candidatesPerSecondOverJlama").asDouble(),
        1e-9);
    assertEquals(2, root.get("greedyAgreement").get("sharedLeadingTokens").asInt());
    assertTrue(root.get("jlamaSkipped").isNull());

    String table = Files.readString(md);
    assertTrue(table.startsWith("| Measurement | persona4j | Jlama 0.8.4 |"), table);
    assertTrue(table.contains("| Best-of-8 reply, 16 new tokens (ms) | 1600 | 7000 (8 sequential) | 1.60× one candidate"),
        table);
    assertEquals(table, report.toMarkdown());
  }

  @Test
  void missingMeasurementsAreNullNotZero() throws IOException {
    BenchReport report = BenchReport.builder(BenchSettings.fullRun(), 1000)
        .pair(new BenchReport.Pair(persona4j(1000, 1400, 50, null, 0.7, 1200), null, null, null))
        .jlamaSkipped("no JDK at /nowhere")
        .build();
    Path json = dir.resolve("skipped.json");
    report.write(json, null);
    JsonNode root = JSON.readTree(json.toFile());
    for (String key : RATIO_KEYS) {
      assertTrue(root.get("ratios").has(key), key);
    }
    assertEquals(1.4, root.get("ratios").get("bestOf8OverOne").asDouble(), 1e-9);
    assertTrue(root.get("ratios").get("candidatesPerSecondOverJlama").isNull());
    assertTrue(root.get("ratios").get("decodeOverJlama").isNull());
    assertTrue(root.get("ratios").get("headShare").isNull(), "no head, no share");
    assertEquals(1.2, root.get("peakRssOverWeights").asDouble(), 1e-9);
    assertEquals("no JDK at /nowhere", root.get("jlamaSkipped").asText());
    assertTrue(root.get("jlama").get("bestOfNMs").isNull());
    assertFalse(root.has("greedyAgreement"));
    assertTrue(report.toMarkdown().contains("Jlama comparison skipped: no JDK at /nowhere"));
  }

  @Test
  void aPairWhosePersona4jRunFailedYieldsNullRatios() throws IOException {
    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), 1000)
        .pair(new BenchReport.Pair(null, jlama(6000, 45), "the persona4j run failed (exit 1)", null))
        .build();
    JsonNode root = JSON.readTree(JSON.writeValueAsString(report.toJson()));
    for (String key : RATIO_KEYS) {
      assertTrue(root.get("ratios").get(key).isNull(), key);
    }
    assertTrue(root.get("loadSeconds").isNull());
    assertTrue(root.get("peakRssOverWeights").isNull());
    assertEquals("the persona4j run failed (exit 1)", root.get("pairs").get(0).get("persona4jError").asText());
    assertEquals(6000, root.get("jlama").get("bestOfNMs").asDouble(), 1e-9);
  }

  @Test
  void theJavaEngineReportsIssue10sRatiosAgainstTheBandwidthBound() throws IOException {
    ObjectNode first = persona4j(1000, 1200, 30, 5.0, 0.8, 700).json();
    first.put("batch8DecodeMsPerStep", 36);
    ObjectNode second = persona4j(1000, 1300, 40, 5.0, 0.9, 800).json();
    second.put("batch8DecodeMsPerStep", 44);
    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), 600_000_000L)
        .backend("java")
        .readBandwidth(20e9) // bound: 600 MB / 20 GB/s = 30 ms
        .pair(BenchReport.Pair.of(EngineRun.fromJson(first), jlama(9000, 45)))
        .pair(BenchReport.Pair.of(EngineRun.fromJson(second), jlama(9000, 60)))
        .build();
    JsonNode root = JSON.readTree(JSON.writeValueAsString(report.toJson()));
    JsonNode ratios = root.get("ratios");
    assertEquals(40 / 35.0, ratios.get("engine.batch8OverBatch1").asDouble(), 1e-9); // median 40 over median 35
    assertEquals(30 / 35.0, ratios.get("engine.decodeOverBound").asDouble(), 1e-9);
    assertEquals((45 / 30.0 + 60 / 40.0) / 2, ratios.get("engine.decodeOverJlama").asDouble(), 1e-9);
    assertEquals((1.2 + 1.3) / 2, ratios.get("engine.bestOf8OverOne").asDouble(), 1e-9);
    assertEquals(750 / 600e6, ratios.get("engine.peakRssOverWeights").asDouble(), 1e-12);
    assertTrue(ratios.get("engine.q8DecodeOverF32").isNull(), "no GGUF file measured");
    assertEquals("java", root.get("backend").asText());
    String table = report.toMarkdown();
    assertTrue(table.startsWith("| Measurement | persona4j (java engine) | Jlama 0.8.4 |"), table);
    assertTrue(table.contains("| Batch-1 step ÷ bandwidth bound (572 MiB at 20.0 GB/s = 30.0 ms) | 86% |"), table);
  }

  @Test
  void withABandwidthMeasuredNextToEachRunTheBoundIsEachRunsOwnThenTheirMedian() throws IOException {
    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), 600_000_000L)
        .backend("java")
        .readBandwidth(60e9) // the start of the run, faster than any pair saw
        .pair(new BenchReport.Pair(persona4j(1000, 1200, 30, 5.0, 0.8, 700), jlama(9000, 45), null, null, 20e9)) // 30/30
        .pair(new BenchReport.Pair(persona4j(1000, 1300, 40, 5.0, 0.9, 800), jlama(9000, 60), null, null, 30e9)) // 20/40
        .pair(new BenchReport.Pair(persona4j(1000, 1300, 25, 5.0, 0.9, 800), jlama(9000, 60), null, null, 40e9)) // 15/25
        .build();
    JsonNode root = JSON.readTree(JSON.writeValueAsString(report.toJson()));
    assertEquals(0.6, root.get("ratios").get("engine.decodeOverBound").asDouble(), 1e-9); // median of 1, 0.5, 0.6
    assertEquals(0.5, root.get("pairs").get(1).get("ratios").get("decodeOverBound").asDouble(), 1e-9);
    assertEquals(30e9, root.get("pairs").get(1).get("readBandwidthBytesPerSecond").asDouble());
    assertEquals(60e9, root.get("readBandwidthBytesPerSecond").asDouble(), "the start-of-run figure is kept");
    String table = report.toMarkdown();
    assertTrue(table.contains("| Batch-1 step ÷ bandwidth bound (572 MiB at 20.0–40.0 GB/s, measured next to each run:"
        + " 15.0–30.0 ms) | 60% |"), table);
  }

  @Test
  void theMedianRunOfAGgufCopyIsTheOneWithTheMedianStep() {
    EngineRun fast = quantizedRun(6.0, 17, 0.8, 400);
    EngineRun slow = quantizedRun(8.3, 19, 0.9, 410);
    EngineRun middle = quantizedRun(6.4, 18, 1.0, 405);
    assertSame(middle, BenchCommand.medianRun(List.of(slow, fast, middle)));
    assertSame(fast, BenchCommand.medianRun(List.of(slow, fast)), "of two, the faster");
    assertSame(slow, BenchCommand.medianRun(List.of(slow)));
  }

  /** A java-engine run on a GGUF copy: the worker's keys, this run's figures. */
  private static EngineRun quantizedRun(double decodeMs, double batch8Ms, double load, long rss) {
    ObjectNode n = persona4j(700, 900, decodeMs, 4.0, load, rss).json();
    n.put("backend", "java");
    n.put("batch8DecodeMsPerStep", batch8Ms);
    n.put("prefillTokensPerSecond", 1500);
    n.put("candidates", 8);
    return EngineRun.fromJson(n);
  }

  private static BenchReport.Quantized quantized(String type, long fileBytes, long tensorBytes, EngineRun run,
      String error) {
    return new BenchReport.Quantized(type, Path.of("/target/bench-model-" + type + ".gguf"), fileBytes, tensorBytes,
        new java.util.TreeMap<>(type.equals("Q8_0") ? java.util.Map.of("F32", 5, "Q8_0", 14)
            : java.util.Map.of("F32", 5, "F16", 10, "Q4_K", 4)), // rows not whole Q4_K blocks stay F16
        run, error);
  }

  @Test
  void theQuantizedRunsAreComparedWithTheMedianF32Decode() throws IOException {
    EngineRun f32a = persona4j(1000, 1200, 30, 5.0, 0.8, 700);
    EngineRun f32b = persona4j(1000, 1300, 41, 5.0, 0.9, 800);
    EngineRun f32c = persona4j(1000, 1250, 36, 5.0, 0.9, 750);
    EngineRun q8 = quantizedRun(17, 25, 0.3, 400);
    EngineRun q4 = quantizedRun(12, 20, 0.25, 300);
    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), 600_000_000L)
        .backend("java")
        .pair(BenchReport.Pair.of(f32a, null))
        .pair(BenchReport.Pair.of(f32b, null))
        .pair(BenchReport.Pair.of(f32c, null))
        .quantized(quantized("Q8_0", 160_000_000L, 150_000_000L, q8, null))
        .quantized(quantized("Q4_K_M", 90_000_000L, 80_000_000L, q4, null))
        .build();
    JsonNode root = JSON.readTree(JSON.writeValueAsString(report.toJson()));

    double f32Decode = Stats.median(java.util.List.of(decode(f32a), decode(f32b), decode(f32c)));
    JsonNode ratios = root.get("ratios");
    assertEquals(f32Decode / decode(q8), ratios.get("engine.q8DecodeOverF32").asDouble(), 1e-12);
    assertEquals(f32Decode / decode(q4), ratios.get("engine.q4KMDecodeOverF32").asDouble(), 1e-12);
    assertEquals(">= 1.8", root.get("targets").get("engine.q8DecodeOverF32").asText());

    JsonNode q8Json = root.get("quantized").get("Q8_0");
    assertEquals("/target/bench-model-Q8_0.gguf", q8Json.get("file").asText());
    assertEquals(160_000_000L, q8Json.get("fileBytes").asLong());
    assertEquals(150_000_000L, q8Json.get("tensorBytes").asLong());
    assertEquals(14, q8Json.get("tensorTypes").get("Q8_0").asInt());
    for (EngineRun.Figure figure : new EngineRun.Figure[] {EngineRun.Figure.LOAD_SECONDS,
        EngineRun.Figure.PREFILL_TOKENS_PER_SECOND, EngineRun.Figure.DECODE_MS_PER_TOKEN,
        EngineRun.Figure.BATCH8_DECODE_MS_PER_STEP, EngineRun.Figure.ONE_REPLY_MS, EngineRun.Figure.BEST_OF_N_MS,
        EngineRun.Figure.PEAK_RSS_BYTES}) {
      assertEquals(q8.figure(figure).getAsDouble(), q8Json.get(figure.key()).asDouble(), 1e-12, figure.key());
    }
    assertEquals(JSON.readTree(q8.json().toString()), q8Json.get("result"));
    assertFalse(q8Json.has("error"));

    String table = report.toMarkdown();
    String q8Row = String.format(java.util.Locale.ROOT, "| Decode, batch 1, Q8_0 GGUF (ms/token) | %.1f | — | %.2f× F32"
        + " tokens/s | ≥ 1.8× |", decode(q8), f32Decode / decode(q8));
    String q4Row = String.format(java.util.Locale.ROOT, "| Decode, batch 1, Q4_K_M GGUF (ms/token) | %.1f | — | %.2f×"
        + " F32 tokens/s |", decode(q4), f32Decode / decode(q4));
    assertTrue(table.contains(q8Row), table);
    assertTrue(table.contains(q4Row), table);
    assertTrue(table.indexOf(q8Row) < table.indexOf("| Decode, batch 8"), "next to the F32 batch-1 row: " + table);
    assertTrue(table.contains(String.format(java.util.Locale.ROOT, "Q8_0 GGUF bench-model-Q8_0.gguf: %.1f MiB file,"
        + " %.1f MiB of tensors {F32=5, Q8_0=14};", 160e6 / (1 << 20), 150e6 / (1 << 20))), table);
    assertTrue(table.contains("{F16=10, F32=5, Q4_K=4} (F16: matrices whose rows are not whole blocks of the"
        + " type); load 0.25 s"), table);
  }

  private static double decode(EngineRun run) {
    return run.figure(EngineRun.Figure.DECODE_MS_PER_TOKEN).getAsDouble();
  }

  @Test
  void aFailedQuantizedRunIsAnErrorRowAndANullRatio() throws IOException {
    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), 600_000_000L)
        .backend("java")
        .pair(BenchReport.Pair.of(persona4j(1000, 1200, 30, 5.0, 0.8, 700), null))
        .quantized(quantized("Q8_0", 160_000_000L, 150_000_000L, null, "the persona4j run failed (exit 1)"))
        .quantized(BenchReport.Quantized.failed("Q4_K_M", null, "cannot write it: disk full"))
        .build();
    JsonNode root = JSON.readTree(JSON.writeValueAsString(report.toJson()));
    assertTrue(root.get("ratios").get("engine.q8DecodeOverF32").isNull());
    assertTrue(root.get("ratios").get("engine.q4KMDecodeOverF32").isNull());
    JsonNode q8 = root.get("quantized").get("Q8_0");
    assertEquals("the persona4j run failed (exit 1)", q8.get("error").asText());
    assertTrue(q8.get("decodeMsPerToken").isNull());
    assertTrue(q8.get("result").isNull());
    assertEquals(160_000_000L, q8.get("fileBytes").asLong());
    JsonNode q4 = root.get("quantized").get("Q4_K_M");
    assertTrue(q4.get("file").isNull());
    assertTrue(q4.get("fileBytes").isNull());
    String table = report.toMarkdown();
    assertTrue(table.contains("| Decode, batch 1, Q8_0 GGUF (ms/token) | n/a | — | n/a F32 tokens/s | ≥ 1.8× |"), table);
    assertTrue(table.contains("Q8_0 GGUF bench-model-Q8_0.gguf: 152.6 MiB file, 143.1 MiB of tensors {F32=5, Q8_0=14}:"
        + " the persona4j run failed (exit 1)."), table);
    assertTrue(table.contains("Q4_K_M GGUF: cannot write it: disk full."), table);
    assertFalse(table.contains("F16: matrices"), "no F16 fallback in these files: " + table);
    assertThrows(IllegalArgumentException.class, () -> quantized("Q8_0", 1, 1, null, null));
  }

  @Test
  void theDjlEngineReportHasNoEngineRatios() throws IOException {
    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), 600)
        .pair(BenchReport.Pair.of(persona4j(1000, 1500, 50, 15.0, 0.8, 800), jlama(6000, 45)))
        .build();
    JsonNode ratios = JSON.readTree(JSON.writeValueAsString(report.toJson())).get("ratios");
    assertFalse(ratios.has("engine.batch8OverBatch1"));
    assertFalse(ratios.has("engine.q8DecodeOverF32"));
    JsonNode root = JSON.readTree(JSON.writeValueAsString(report.toJson()));
    assertFalse(root.has("quantized"));
    assertFalse(root.get("targets").has("engine.q8DecodeOverF32"));
    assertFalse(report.toMarkdown().contains("GGUF"));
  }

  @Test
  void engineRunsWithoutAnEngineNameAreRejected() {
    ObjectNode n = JSON.createObjectNode();
    n.put("loadSeconds", 1.0);
    assertThrows(BenchException.class, () -> EngineRun.fromJson(n));
  }
}
