package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code persona4j inspect} writes what transformers computed for the reference checkpoints. */
class InspectCommandTest {
  /** The reference checkpoints are copied into core's test resources (see its README). */
  static final Path MODELS = Path.of("..", "core", "src", "test", "resources", "hf-reference", "models");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "qwen2-bf16", "phi3"})
  void inspectMatchesTransformersOnPromptZero(String name) throws Exception {
    Path model = MODELS.resolve(name);
    SafetensorsReader expected = SafetensorsReader.open(model.resolve("expected.safetensors"));
    long[] ids = expected.longs("p0.input_ids");
    String idList = String.join(",", Arrays.stream(ids).mapToObj(Long::toString).toArray(String[]::new));
    Path out = dir.resolve(name + ".safetensors");

    int exit = Persona4jCli.newCommandLine().execute(
        "inspect", "--model", model.toString(), "--ids", idList, "--greedy", "12", "--out", out.toString());

    assertEquals(0, exit);
    assertTrue(Files.size(out) > 0);
    SafetensorsReader actual = SafetensorsReader.open(out);
    assertArrayEquals(ids, actual.longs("input_ids"));
    assertClose(expected.floats("p0.logits"), actual.floats("logits"), name + " logits");
    assertClose(expected.floats("p0.hidden_states"), actual.floats("hidden_states"), name + " hidden_states");
    assertArrayEquals(expected.longs("p0.greedy"), actual.longs("greedy"), name + " greedy");
    FileModes.assertOrdinaryMode(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral"})
  void inspectEncodesTextWithTheModelsTokenizer(String name) {
    Path model = MODELS.resolve(name);
    SafetensorsReader expected = SafetensorsReader.open(model.resolve("expected.safetensors"));
    Path out = dir.resolve(name + "-text.safetensors");

    int exit = Persona4jCli.newCommandLine().execute(
        "inspect", "--model", model.toString(), "--text", "Hello world", "--out", out.toString());

    assertEquals(0, exit);
    SafetensorsReader actual = SafetensorsReader.open(out);
    assertArrayEquals(expected.longs("p0.input_ids"), actual.longs("input_ids"));
    assertClose(expected.floats("p0.logits"), actual.floats("logits"), name + " logits");
  }

  @org.junit.jupiter.api.Test
  void missingModelDirectoryExitsNonZero() {
    int exit = Persona4jCli.newCommandLine().execute(
        "inspect", "--model", dir.resolve("absent").toString(), "--ids", "1,2", "--out",
        dir.resolve("x.safetensors").toString());
    assertEquals(1, exit);
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " size");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(max <= 1e-4, what + " differs by " + max);
  }
}
