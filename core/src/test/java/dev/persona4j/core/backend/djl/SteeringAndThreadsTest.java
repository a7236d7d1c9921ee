package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SteeringAndThreadsTest {
  private static final int[] PROMPT = {0, 17, 42, 99, 7, 311, 5};

  @Test
  void steeringAddsTheDirectionToTheResidualEnteringTheLayer() {
    try (LanguageModel model = Backends.load(Fixtures.model("qwen3")); DecodingState state = model.newState()) {
      int hidden = model.info().hiddenSize();
      ForwardRequest all = ForwardRequest.allPositions(0, 1, 2, 3);
      Forward plain = state.prefill(List.of(PROMPT), all);
      float[] direction = new float[hidden];
      for (int i = 0; i < hidden; i++) {
        direction[i] = (float) Math.sin(i);
      }
      state.steer(1, direction, 2f);
      state.steer(1, direction, 0.5f); // steering adds up: 2.5 in total
      Forward steered = state.prefill(List.of(PROMPT), all);
      for (int t = 0; t < PROMPT.length; t++) {
        assertArrayEquals(plain.hidden(0, 0)[t], steered.hidden(0, 0)[t], "layers before the steered one are untouched");
        for (int i = 0; i < hidden; i++) {
          assertEquals(plain.hidden(0, 1)[t][i] + 2.5f * direction[i], steered.hidden(0, 1)[t][i], 1e-5, "tap 1 sees the steered stream");
        }
      }
      double change = 0;
      for (int v = 0; v < plain.lastLogits(0).length; v++) {
        change = Math.max(change, Math.abs(plain.lastLogits(0)[v] - steered.lastLogits(0)[v]));
      }
      assertTrue(change > 1e-3, "steering changes the logits, by " + change);
      // steering also applies to decoding steps
      int id = steered.sequence(0);
      Forward step = state.step(new int[] {id}, new int[] {3}, ForwardRequest.withTaps(1));
      state.clearSteering();
      Forward again = state.prefill(List.of(PROMPT), all);
      assertArrayEquals(plain.lastLogits(0), again.lastLogits(0), 1e-6f);
      Forward unsteeredStep = state.step(new int[] {again.sequence(0)}, new int[] {3}, ForwardRequest.withTaps(1));
      for (int i = 0; i < hidden; i++) {
        assertEquals(unsteeredStep.hidden(0, 1)[0][i] + 2.5f * direction[i], step.hidden(0, 1)[0][i], 1e-4);
      }
    }
  }

  @Test
  void oneModelDecodesOnSeveralThreadsAtOnce() throws Exception {
    try (LanguageModel model = Backends.load(Fixtures.model("llama"))) {
      int[] expected = greedy(model, PROMPT, 10);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<int[]>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          runs.add(pool.submit(() -> greedy(model, PROMPT, 10)));
        }
        for (Future<int[]> r : runs) {
          assertArrayEquals(expected, r.get());
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  private static int[] greedy(LanguageModel model, int[] prompt, int n) {
    try (DecodingState s = model.newState()) {
      Forward f = s.prefill(List.of(prompt), ForwardRequest.lastLogits());
      int id = f.sequence(0);
      int[] out = new int[n];
      out[0] = ParityTest.argmax(f.lastLogits(0));
      for (int i = 1; i < n; i++) {
        out[i] = ParityTest.argmax(s.step(new int[] {id}, new int[] {out[i - 1]}, ForwardRequest.lastLogits()).lastLogits(0));
      }
      return out;
    }
  }
}
