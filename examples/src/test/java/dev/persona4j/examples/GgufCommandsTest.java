package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo model quantized to GGUF files and run from the command line with {@code --model FILE.gguf}: the
 * java engine loads it from the file alone (config, tokenizer, chat template from its metadata).
 */
class GgufCommandsTest {
  @TempDir static Path dir;
  static Path f32;
  static Path q8;

  @BeforeAll
  static void quantize() {
    f32 = dir.resolve("demo-F32.gguf");
    q8 = dir.resolve("demo-Q8_0.gguf");
    for (String[] t : new String[][] {{"F32", f32.toString()}, {"Q8_0", q8.toString()}}) {
      String[] result = DemoModelCommandsTest.run(null, "quantize", "--model", CalibrateCommandTest.DEMO.toString(),
          "--type", t[0], "--out", t[1]);
      assertEquals("0", result[0], result[2]);
    }
  }

  @Test
  void inspectOfAnF32FileOnTheJavaEngineGivesTheCheckpointsOutputsOnDjl() {
    Path fromGguf = dir.resolve("gguf.safetensors");
    Path fromDir = dir.resolve("dir.safetensors");
    String[] gguf = DemoModelCommandsTest.run(null, "inspect", "--model", f32.toString(), "--text", "Ahoy, captain!",
        "--greedy", "6", "--out", fromGguf.toString());
    assertEquals("0", gguf[0], gguf[2]);
    String[] djl = DemoModelCommandsTest.run(null, "inspect", "--engine", "djl", "--model", CalibrateCommandTest.DEMO.toString(),
        "--text", "Ahoy, captain!", "--greedy", "6", "--out", fromDir.toString());
    assertEquals("0", djl[0], djl[2]);
    SafetensorsReader a = SafetensorsReader.open(fromGguf);
    SafetensorsReader b = SafetensorsReader.open(fromDir);
    assertArrayEquals(b.ints("input_ids"), a.ints("input_ids"), "the GGUF file's tokenizer gives the same ids");
    assertArrayEquals(b.ints("greedy"), a.ints("greedy"));
    float[] x = a.floats("logits");
    float[] y = b.floats("logits");
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    assertTrue(max <= 1e-4, "logits differ by " + max);
  }

  @Test
  void replyRunsAQuantizedFileWithTheProfileOfItsDirectoryAndOneCandidate() {
    // the demo model's 512-token context needs its profile's compact prompt style; its heads are bound to the checkpoint
    String[] result = DemoModelCommandsTest.run(null, "reply", "--model", q8.toString(), "--engine", "java",
        "--profile", CalibrateCommandTest.DEMO.toString(), "--no-heads", "--persona", "captain", "--seed", "3", "--max-tokens", "24", "What do you think of the weather today?");
    assertEquals("0", result[0], result[2]);
    assertEquals(1, result[1].strip().lines().count(), result[1]);
    assertFalse(result[1].isBlank());
  }

  @Test
  void theDjlEngineDoesNotLoadAGgufFileAndSaysWhichDoes() {
    String[] result = DemoModelCommandsTest.run(null, "inspect", "--engine", "djl", "--model", q8.toString(),
        "--ids", "1,2,3", "--out", dir.resolve("x.safetensors").toString());
    assertEquals("1", result[0], result[1]);
    assertTrue(result[2].contains("does not load model files") && result[2].contains("[java]"), result[2]);
  }
}
