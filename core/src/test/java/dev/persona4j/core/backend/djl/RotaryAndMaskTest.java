package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotaryAndMaskTest {
  private static ModelConfig.Builder llama() {
    return ModelConfig.builder("llama").vocabSize(16).hiddenSize(256).intermediateSize(64).layers(1).heads(2).kvHeads(1).contextLength(64).ropeTheta(500000.0);
  }

  @Test
  void maskAllowsCausalRealKeysInsideTheWindow() {
    ModelConfig c = llama().slidingWindow(3).build();
    try (NDManager m = NDManager.newBaseManager()) {
      // two sequences: one of 5 tokens, one of 1 token padded to 5 (its last pad is 4 past the window)
      NDArray mask = TransformerModel.mask(m, c.slidingWindow().orElse(Integer.MAX_VALUE), 2, 5, 5, new int[] {0, 0}, new int[] {5, 1});
      float[] v = mask.toFloatArray();
      assertEquals(new ai.djl.ndarray.types.Shape(2, 1, 1, 5, 5), mask.getShape());
      for (int b = 0; b < 2; b++) {
        int length = b == 0 ? 5 : 1;
        for (int t = 0; t < 5; t++) {
          for (int s = 0; s < 5; s++) {
            // padding queries read only the last real key, so no row is fully masked
            boolean expect = t < length ? s <= t && t - s < 3 : s == length - 1;
            assertEquals(expect ? 0f : Float.NEGATIVE_INFINITY, v[(b * 5 + t) * 5 + s], "b" + b + " t" + t + " s" + s);
          }
        }
      }
      // a decoding step of equally long sequences masks nothing
      assertNull(TransformerModel.mask(m, Integer.MAX_VALUE, 2, 1, 3, new int[] {2, 2}, new int[] {1, 1}));
    }
  }

  @Test
  void slidingWindowBatchOfDifferentLengthsEqualsEachAlone(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("mistral-window");
    Files.createDirectories(dir);
    try (var files = Files.list(Fixtures.model("mistral"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path config = dir.resolve("config.json");
    dir.resolve("config.json").toFile().setWritable(true);
    Files.writeString(config, Files.readString(config).replace("\"sliding_window\": null", "\"sliding_window\": 4"));
    List<ParityTest.Expected> expected = ParityTest.expected(dir);
    try (LanguageModel model = Backends.load(dir); DecodingState state = model.newState()) {
      List<int[]> prompts = expected.stream().map(ParityTest.Expected::ids).toList();
      Forward batch = state.prefill(prompts, ForwardRequest.allPositions());
      double windowEffect = 0;
      for (int i = 0; i < prompts.size(); i++) {
        Forward alone = state.prefill(List.of(prompts.get(i)), ForwardRequest.allPositions());
        float[][] a = alone.logits(0);
        float[][] b = batch.logits(i);
        for (int t = 0; t < a.length; t++) {
          for (int v = 0; v < a[t].length; v++) {
            assertTrue(Math.abs(a[t][v] - b[t][v]) <= 1e-4, "prompt " + i + " position " + t + ": " + a[t][v] + " vs " + b[t][v]);
            windowEffect = Math.max(windowEffect, Math.abs(a[t][v] - expected.get(i).logits()[t * a[t].length + v]));
          }
        }
      }
      assertTrue(windowEffect > 1e-3, "a 4-token window changes the logits of long prompts: " + windowEffect);
    }
  }
}
