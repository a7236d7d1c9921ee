package dev.persona4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training forward on every reference checkpoint gives transformers' logits (the expected
 * outputs stored with the checkpoints) and the inference engine's, within 1e-4.
 */
class TrainableTransformerParityTest {
  /** The reference checkpoints kept with core's tests. */
  static final Path MODELS = Path.of("..", "core", "src", "test", "resources", "hf-reference", "models");
  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "mistral", "qwen2-bf16", "qwen3", "phi3"})
  @SuppressWarnings("try")
  void trainingForwardMatchesTransformersAndTheInferenceEngine(String name) {
    Path dir = MODELS.resolve(name);
    assertTrue(Files.isDirectory(dir), "missing fixture " + dir.toAbsolutePath());
    SafetensorsReader expected = SafetensorsReader.open(dir.resolve("expected.safetensors"));
    double vsTransformers = 0;
    double vsEngine = 0;
    try (NDManager manager = NDManager.newBaseManager();
        TrainableTransformer model = TrainableTransformer.load(dir, manager);
        LanguageModel engine = Backends.load(dir);
        DecodingState state = engine.newState()) {
      int vocab = model.config().vocabSize();
      for (int p = 0; expected.contains("p" + p + ".input_ids"); p++) {
        int[] ids = expected.ints("p" + p + ".input_ids");
        float[] reference = expected.floats("p" + p + ".logits");
        float[] logits;
        try (NDScope scope = new NDScope()) {
          long[] input = new long[ids.length];
          for (int i = 0; i < ids.length; i++) {
            input[i] = ids[i];
          }
          logits = model.forward(manager.create(input, new Shape(1, ids.length))).toFloatArray();
        }
        assertEquals(reference.length, logits.length);
        Forward f = state.prefill(List.of(ids), ForwardRequest.allPositions());
        float[][] inference = f.logits(0);
        for (int t = 0; t < ids.length; t++) {
          for (int v = 0; v < vocab; v++) {
            float value = logits[t * vocab + v];
            vsTransformers = Math.max(vsTransformers, Math.abs(value - reference[t * vocab + v]));
            vsEngine = Math.max(vsEngine, Math.abs(value - inference[t][v]));
          }
        }
        state.release(f.sequence(0));
      }
    }
    System.out.printf(Locale.ROOT, "training forward %-10s max |Δlogits| vs transformers %.2e, vs engine %.2e%n", name, vsTransformers, vsEngine);
    assertTrue(vsTransformers <= TOLERANCE, name + ": differs from transformers by " + vsTransformers);
    assertTrue(vsEngine <= TOLERANCE, name + ": differs from the inference engine by " + vsEngine);
  }
}
