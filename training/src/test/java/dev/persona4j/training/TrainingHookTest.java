package dev.persona4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.BackendException;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training a tiny Llama: named parameters by Hugging Face name, AdamW steps lower the loss, and the
 * saved checkpoint runs on the inference engine with the same logits.
 */
class TrainingHookTest {
  static final ModelConfig TINY =
      ModelConfig.builder("llama")
          .architectures(List.of("LlamaForCausalLM"))
          .vocabSize(48)
          .hiddenSize(32)
          .intermediateSize(64)
          .layers(2)
          .heads(4)
          .kvHeads(2)
          .contextLength(32)
          .normEps(1e-5)
          .bosTokenId(0)
          .eosTokenIds(List.of(1))
          .build();

  /** Sequences following t → (3t + 1) mod 48: learnable, so the loss must fall. */
  static long[] batch(int rows, int width, int offset) {
    long[] ids = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      long t = (r * 7 + offset) % 48;
      for (int c = 0; c < width; c++) {
        ids[r * width + c] = t;
        t = (3 * t + 1) % 48;
      }
    }
    return ids;
  }

  /** Mean next-token cross-entropy. */
  static NDArray loss(NDArray logits, NDArray ids) {
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    NDArray logProbs = logits.get(":, :{}", t - 1).logSoftmax(-1);
    NDArray targets = ids.get(":, 1:").oneHot(48);
    return logProbs.mul(targets).sum().neg().div(b * (t - 1));
  }

  @Test
  void adamWStepsLowerTheLossAndSaveReloadsToTheSameLogits(@TempDir Path dir) {
    try (NDManager manager = NDManager.newBaseManager()) {
      TrainableTransformer model = TrainableTransformer.initialise(TINY, manager, 7);
      Map<String, NDArray> params = model.parameters();
      assertTrue(params.containsKey("model.layers.1.self_attn.k_proj.weight"));
      assertTrue(params.containsKey("lm_head.weight"));
      assertEquals(new Shape(16, 32), params.get("model.layers.0.self_attn.k_proj.weight").getShape());
      params.values().forEach(p -> p.setRequiresGradient(true));
      Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-2f)).build();
      NDArray ids = manager.create(batch(4, 16, 0), new Shape(4, 16));
      List<Float> losses = new ArrayList<>();
      for (int step = 0; step < 25; step++) {
        try (NDScope scope = new NDScope();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray l = loss(model.forward(ids), ids);
          losses.add(l.getFloat());
          gc.backward(l);
        }
        // outside the scope: the optimizer keeps its moment estimates across steps
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
          try (NDArray grad = e.getValue().getGradient()) {
            adamW.update(e.getKey(), e.getValue(), grad);
            grad.subi(grad); // gradients accumulate across backward calls
          }
        }
      }
      System.out.printf("training hook: loss %.3f -> %.3f over %d AdamW steps%n", losses.get(0), losses.get(losses.size() - 1), losses.size());
      assertTrue(losses.get(losses.size() - 1) < 0.7 * losses.get(0), "loss " + losses);

      model.save(dir);
      float[] trained;
      try (NDScope scope = new NDScope()) {
        trained = model.forward(manager.create(batch(1, 20, 5), new Shape(1, 20))).toFloatArray();
      }
      long[] prompt = batch(1, 20, 5);
      int[] tokens = new int[prompt.length];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = (int) prompt[i];
      }
      try (LanguageModel loaded = Backends.load(dir); DecodingState s = loaded.newState()) {
        assertEquals("llama", loaded.info().architecture());
        assertEquals(List.of(1), loaded.generationConfig().eosTokenIds());
        Forward f = s.prefill(List.of(tokens), ForwardRequest.allPositions());
        double max = 0;
        for (int t = 0; t < tokens.length; t++) {
          float[] row = f.logits(0)[t];
          for (int v = 0; v < 48; v++) {
            max = Math.max(max, Math.abs(row[v] - trained[t * 48 + v]));
          }
        }
        System.out.printf("training hook: saved and reloaded max |Δlogits| %.2e%n", max);
        assertTrue(max <= 1e-4, "reloaded logits differ by " + max);
      }
      // a trainable load of the saved checkpoint gives the same logits again
      try (NDScope scope = new NDScope()) {
        TrainableTransformer again = TrainableTransformer.load(dir, manager);
        float[] reloaded = again.forward(manager.create(batch(1, 20, 5), new Shape(1, 20))).toFloatArray();
        for (int i = 0; i < reloaded.length; i++) {
          assertEquals(trained[i], reloaded[i], 1e-4);
        }
        again.close();
      }
      BackendException outside =
          assertThrows(BackendException.class, () -> model.forward(manager.create(new long[] {1, 48}, new Shape(1, 2))));
      assertTrue(outside.getMessage().startsWith("token id 48 is outside the vocabulary"), outside.getMessage());
      model.close();
    }
  }
}
