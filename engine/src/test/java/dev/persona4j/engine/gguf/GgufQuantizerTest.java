package dev.persona4j.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by {@link GgufQuantizer} from the reference checkpoints, against the fixtures converted by
 * llama.cpp's tools: the same tensor names, types and metadata, the same dequantized tensors for the
 * deterministic types (F32, F16, Q8_0, Q4_0), and for the K-quants every value within half its sub-block's step.
 */
class GgufQuantizerTest {
  /** Fixture keys this writer leaves out: unused by llama.cpp for these models, or not in config.json. */
  private static final Set<String> NOT_WRITTEN = Set.of("tokenizer.ggml.add_sep_token",
      "phi3.rope.scaling.original_context_length", "phi3.attention.sliding_window");

  @TempDir Path tmp;

  @TestFactory
  Stream<DynamicTest> deterministicTypesEqualTheFixtures() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String model : List.of("llama", "mistral", "qwen2-bf16", "qwen3", "phi3")) {
      for (String type : List.of("F32", "F16", "Q8_0", "Q4_0")) {
        tests.add(DynamicTest.dynamicTest(model + " " + type, () -> sameAsFixture(model, type)));
      }
    }
    for (String type : List.of("Q8_0", "Q4_0")) {
      tests.add(DynamicTest.dynamicTest("llama-k " + type, () -> sameAsFixture("llama-k", type)));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> kQuantsAreFaithful() {
    return Stream.of("Q4_K", "Q6_K", "Q4_K_M").map(type -> DynamicTest.dynamicTest("llama-k " + type, () -> {
      GgufFile written = write("llama-k", type);
      GgufFile fixture = GgufFile.open(GgufFixtures.gguf("llama-k", type));
      assertEquals(types(fixture), types(written));
      Checkpoint checkpoint = Checkpoint.open(GgufFixtures.hfModel("llama-k"));
      for (GgufTensor t : written.tensors().values()) {
        String hf = written.hfName(t).orElseThrow();
        float[] want = SafetensorsReader.open(checkpoint.fileOf(hf)).floats(hf);
        float[] got = written.floats(t);
        float[] steps = GgufFileTest.QuantSteps.of(t.type(), written.rowData(t), want.length);
        for (int i = 0; i < want.length; i++) {
          float tolerance = steps[i] * 0.5001f + 1e-7f;
          if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
            throw new AssertionError(t + " value " + i + ": " + got[i] + " vs " + want[i] + " (step " + steps[i] + ")");
          }
        }
      }
    }));
  }

  /**
   * Q5_0 has no fixture: every value within one step of the checkpoint's (ggml's reference quantizer puts
   * the side of the block opposite its largest value one step short, as Q4_0's, and the fp16 scale's
   * rounding adds 16 × 2^-11 of a step at most).
   */
  @Test
  void q5_0IsFaithfulAndHoldsEveryMatrix() {
    GgufFile written = write("llama-k", "Q5_0");
    Checkpoint checkpoint = Checkpoint.open(GgufFixtures.hfModel("llama-k"));
    int matrices = 0;
    for (GgufTensor t : written.tensors().values()) {
      matrices += t.type() == GgufType.Q5_0 ? 1 : 0;
      String hf = written.hfName(t).orElseThrow();
      float[] want = SafetensorsReader.open(checkpoint.fileOf(hf)).floats(hf);
      float[] got = written.floats(t);
      float[] steps = GgufFileTest.QuantSteps.of(t.type(), written.rowData(t), want.length);
      int halfStep = 0;
      for (int i = 0; i < want.length; i++) {
        float error = Math.abs(got[i] - want[i]);
        if (!(error <= steps[i] * 1.008f + 1e-7f)) {
          throw new AssertionError(t + " value " + i + ": " + got[i] + " vs " + want[i] + " (step " + steps[i] + ")");
        }
        halfStep += error <= steps[i] * 0.5001f + 1e-7f ? 1 : 0;
      }
      assertTrue(halfStep >= want.length * 0.95, t + ": " + halfStep + " of " + want.length + " values within half a step");
    }
    assertEquals(16, matrices, "every matrix of llama-k is Q5_0");
  }

  private void sameAsFixture(String model, String type) {
    GgufFile written = write(model, type);
    GgufFile fixture = GgufFile.open(GgufFixtures.gguf(model, type));
    assertEquals(types(fixture), types(written));
    for (Map.Entry<String, Object> e : fixture.metadata().entrySet()) {
      if (!NOT_WRITTEN.contains(e.getKey())) {
        assertEquals(e.getValue(), written.metadata().get(e.getKey()), e.getKey());
      }
    }
    assertEquals(fixture.config(), written.config());
    for (GgufTensor t : fixture.tensors().values()) {
      GgufTensor mine = written.tensor(t.name());
      assertTrue(Arrays.equals(fixture.floats(t), written.floats(mine)), t.name() + " dequantizes differently");
    }
  }

  private GgufFile write(String model, String type) {
    Path out = tmp.resolve(model + "-" + type + ".gguf");
    List<String> progress = new ArrayList<>();
    GgufQuantizer.quantize(GgufFixtures.hfModel(model), GgufFileType.valueOf(type), out,
        (name, t, done, total) -> progress.add(done + "/" + total + " " + name));
    GgufFile written = GgufFile.open(out);
    assertEquals(written.tensors().size(), progress.size());
    return written;
  }

  private static Map<String, GgufType> types(GgufFile f) {
    Map<String, GgufType> out = new LinkedHashMap<>();
    f.tensors().values().forEach(t -> out.put(t.name(), t.type()));
    return out;
  }
}
