package dev.persona4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.engine.gguf.GgufFileType;
import dev.persona4j.engine.gguf.GgufType;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GGUF copies {@code bench --engine java} measures: written by the quantizer when missing or stale, loaded by
 * the java engine, measured by the worker and compared with F32 in the report, on the tiny generated checkpoint.
 */
class QuantizedCopyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static Path tiny;

  @BeforeAll
  static void generate() {
    tiny = new SmolCheckpointGenerator(CheckpointShape.tiny(), 3).ensure(shared.resolve("tiny"));
  }

  @TempDir Path dir;

  @Test
  void theCopyIsWrittenWhenMissingOrStaleAndTheJavaEngineLoadsIt() throws IOException {
    Path out = QuantizedCopy.fileFor(dir, tiny, GgufFileType.Q8_0);
    assertEquals(dir.resolve("tiny-Q8_0.gguf"), out);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    QuantizedCopy copy = QuantizedCopy.ensure(tiny, GgufFileType.Q8_0, out, print(log));
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("quantizing"), log.toString(StandardCharsets.UTF_8));
    assertEquals(Files.size(out), copy.fileBytes());
    assertTrue(copy.tensorBytes() > 0 && copy.tensorBytes() < copy.fileBytes(), copy.toString());
    // Matrices (rows of 64 = two Q8_0 blocks) quantized, norms kept F32.
    assertTrue(copy.tensorTypes().get(GgufType.Q8_0) > 0 && copy.tensorTypes().get(GgufType.F32) > 0,
        copy.tensorTypes().toString());
    // A Q8_0 matrix is 34 bytes per 32 weights, against 128 as F32.
    assertTrue(copy.tensorBytes() < BenchCommand.weightBytes(tiny) / 3, copy.toString());

    try (LanguageModel model = Backends.load(out, LoadOptions.builder().backend("java").build());
        Tokenizer hf = Tokenizer.load(tiny)) {
      assertEquals(CheckpointShape.tiny().layers(), model.info().layers());
      assertEquals(CheckpointShape.tiny().hiddenSize(), model.info().hiddenSize());
      // The worker checks the prompt ids: the file's tokenizer gives the checkpoint's.
      assertArrayEquals(BenchPrompt.of(hf, 96).ids(), BenchPrompt.of(model.tokenizer(), 96).ids());
    }

    FileTime written = Files.getLastModifiedTime(out);
    log.reset();
    QuantizedCopy again = QuantizedCopy.ensure(tiny, GgufFileType.Q8_0, out, print(log));
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("reusing"), log.toString(StandardCharsets.UTF_8));
    assertEquals(written, Files.getLastModifiedTime(out));
    assertEquals(copy, again);

    // A checkpoint file newer than the copy makes it stale.
    Files.setLastModifiedTime(out, FileTime.from(Files.getLastModifiedTime(tiny.resolve("config.json")).toInstant()
        .minusSeconds(60)));
    assertTrue(!QuantizedCopy.isCurrent(tiny, out));
    log.reset();
    QuantizedCopy.ensure(tiny, GgufFileType.Q8_0, out, print(log));
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("quantizing"), log.toString(StandardCharsets.UTF_8));
    assertTrue(QuantizedCopy.isCurrent(tiny, out));
  }

  @Test
  void aDirectoryThatIsNoCheckpointIsABenchExceptionNamingIt() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path out = dir.resolve("empty-Q8_0.gguf");
    BenchException e = assertThrows(BenchException.class,
        () -> QuantizedCopy.ensure(empty, GgufFileType.Q8_0, out, print(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("Q8_0"), e.getMessage());
    assertTrue(!Files.exists(out), "no file that looks current");
  }

  @Test
  void theWorkerMeasuresTheCopyAndTheReportComparesItWithF32() throws IOException {
    QuantizedCopy copy = QuantizedCopy.ensure(tiny, GgufFileType.Q8_0, QuantizedCopy.fileFor(dir, tiny,
        GgufFileType.Q8_0), print(new ByteArrayOutputStream()));
    int[] prompt = BenchCommand.prompt(tiny, 96);
    EngineRun f32 = EngineRun.fromJson(Persona4jBench.run(new Persona4jBench.Settings(tiny, prompt, 4, 0, 1, 3, "java")));
    EngineRun q8 = EngineRun.fromJson(
        Persona4jBench.run(new Persona4jBench.Settings(copy.file(), prompt, 4, 0, 1, 3, "java")));
    assertEquals(4, q8.firstReplyTokens().length);

    BenchReport report = BenchReport.builder(BenchSettings.quickRun(), BenchCommand.weightBytes(tiny))
        .backend("java")
        .pair(BenchReport.Pair.of(f32, null))
        .quantized(BenchReport.Quantized.of(copy, q8, null))
        .build();
    JsonNode root = JSON.readTree(JSON.writeValueAsString(report.toJson()));
    double f32Ms = f32.figure(EngineRun.Figure.DECODE_MS_PER_TOKEN).getAsDouble();
    double q8Ms = q8.figure(EngineRun.Figure.DECODE_MS_PER_TOKEN).getAsDouble();
    assertEquals(f32Ms / q8Ms, root.get("ratios").get("engine.q8DecodeOverF32").asDouble(), 1e-12);
    JsonNode q8Json = root.get("quantized").get("Q8_0");
    assertEquals(copy.file().toString(), q8Json.get("file").asText());
    assertEquals(Files.size(copy.file()), q8Json.get("fileBytes").asLong());
    assertEquals(q8Ms, q8Json.get("decodeMsPerToken").asDouble(), 1e-12);
    assertEquals(q8.figure(EngineRun.Figure.PEAK_RSS_BYTES).getAsDouble(), q8Json.get("peakRssBytes").asDouble());
    assertTrue(report.toMarkdown().contains(String.format(Locale.ROOT,
        "| Decode, batch 1, Q8_0 GGUF (ms/token) | %.1f | — | %.2f× F32 tokens/s |", q8Ms, f32Ms / q8Ms)),
        report.toMarkdown());
  }

  private static PrintStream print(ByteArrayOutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }
}
