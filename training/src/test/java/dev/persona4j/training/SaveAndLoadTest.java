package dev.persona4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A randomly initialised model of every architecture saves as a checkpoint the inference engine
 * runs with the training forward's logits; initialisation is deterministic by seed.
 */
class SaveAndLoadTest {
  static ModelConfig tiny(String type) {
    ModelConfig.Builder b = ModelConfig.builder(type).vocabSize(40).hiddenSize(32).intermediateSize(48).layers(2)
        .heads(4).kvHeads(type.equals("gpt2") ? 4 : 2).contextLength(24).normEps(1e-5).eosTokenIds(List.of(1))
        .initializerRange(0.2);
    switch (type) {
      case "gpt2" -> b.hiddenAct("gelu_new").tieWordEmbeddings(true).attentionBias(true).mlpBias(true);
      case "qwen2" -> b.attentionBias(true);
      case "qwen3" -> b.headDim(16).tieWordEmbeddings(true);
      case "phi3" -> b.partialRotaryFactor(0.5);
      case "mistral" -> b.slidingWindow(5);
      default -> b.mlpBias(true);
    }
    return b.build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "mistral", "qwen2", "qwen3", "phi3"})
  @SuppressWarnings("try")
  void savedRandomModelRunsOnTheEngineWithTheSameLogits(String type, @TempDir Path dir) {
    int[] ids = {3, 17, 5, 5, 39, 0, 12, 8, 21, 2, 30, 7};
    long[] input = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      input[i] = ids[i];
    }
    float[] trained;
    try (NDManager manager = NDManager.newBaseManager();
        TrainableTransformer model = TrainableTransformer.initialise(tiny(type), manager, 11)) {
      try (NDScope scope = new NDScope()) {
        trained = model.forward(manager.create(input, new Shape(1, ids.length))).toFloatArray();
      }
      model.save(dir);
    }
    try (LanguageModel loaded = Backends.load(dir); DecodingState s = loaded.newState()) {
      assertEquals(type, loaded.info().architecture());
      Forward f = s.prefill(List.of(ids), ForwardRequest.allPositions());
      double max = 0;
      double spread = 0;
      for (int t = 0; t < ids.length; t++) {
        float[] row = f.logits(0)[t];
        for (int v = 0; v < row.length; v++) {
          max = Math.max(max, Math.abs(row[v] - trained[t * row.length + v]));
          spread = Math.max(spread, Math.abs(row[v] - row[0]));
        }
      }
      System.out.printf("%s: saved random model, engine vs training forward max |Δlogits| %.2e%n", type, max);
      assertTrue(max <= 1e-4, type + ": logits differ by " + max);
      assertTrue(spread > 1e-2, type + ": the random model's logits are not all equal");
    }
  }

  @Test
  void initialisationIsDeterministicBySeedLikeTransformers() {
    try (NDManager manager = NDManager.newBaseManager();
        TrainableTransformer a = TrainableTransformer.initialise(tiny("gpt2"), manager, 5);
        TrainableTransformer b = TrainableTransformer.initialise(tiny("gpt2"), manager, 5);
        TrainableTransformer c = TrainableTransformer.initialise(tiny("gpt2"), manager, 6)) {
      Map<String, NDArray> pa = a.parameters();
      assertEquals(pa.keySet(), b.parameters().keySet());
      for (String name : pa.keySet()) {
        assertArrayEquals(pa.get(name).toFloatArray(), b.parameters().get(name).toFloatArray(), 0f, name);
      }
      assertFalse(java.util.Arrays.equals(pa.get("transformer.wte.weight").toFloatArray(),
          c.parameters().get("transformer.wte.weight").toFloatArray()));
      // Conv1D weights as on disk, [in, out]; biases 0, LayerNorm weights 1
      assertEquals(new Shape(32, 96), pa.get("transformer.h.0.attn.c_attn.weight").getShape());
      assertEquals(0f, pa.get("transformer.h.0.attn.c_attn.bias").abs().max().getFloat());
      assertEquals(1f, pa.get("transformer.h.1.ln_2.weight").min().getFloat());
      float[] w = pa.get("transformer.h.0.mlp.c_fc.weight").toFloatArray();
      double sq = 0;
      for (float v : w) {
        sq += v * v;
      }
      assertEquals(0.2, Math.sqrt(sq / w.length), 0.02, "normal(0, initializer_range)");
      assertEquals(a.parameterCount(), pa.values().stream().mapToLong(NDArray::size).sum());
    }
  }
}
