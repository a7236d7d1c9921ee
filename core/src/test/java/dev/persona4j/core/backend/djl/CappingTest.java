package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Activation capping on the llama fixture, checked against a hand computation from the taps. */
class CappingTest {
  private static final int[] PROMPT = {0, 17, 42, 99, 7, 311, 5, 64, 250};
  private static final int LAYER = 2;
  private static LanguageModel model;
  private static int layers;
  private static int hidden;
  private static ForwardRequest everyTap;

  @BeforeAll
  static void load() {
    model = Backends.load(Fixtures.model("llama"));
    layers = model.info().layers();
    hidden = model.info().hiddenSize();
    int[] taps = new int[layers + 1];
    Arrays.setAll(taps, i -> i);
    everyTap = ForwardRequest.allPositions(taps);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** A fixed direction of length 3 (the backend must normalise it). */
  private static float[] direction() {
    float[] d = new float[hidden];
    double norm = 0;
    for (int i = 0; i < hidden; i++) {
      d[i] = (float) Math.cos(0.7 * i);
      norm += d[i] * d[i];
    }
    for (int i = 0; i < hidden; i++) {
      d[i] = (float) (3 * d[i] / Math.sqrt(norm));
    }
    return d;
  }

  private static double[] unit(float[] d) {
    double norm = 0;
    for (float f : d) {
      norm += (double) f * f;
    }
    double[] u = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      u[i] = d[i] / Math.sqrt(norm);
    }
    return u;
  }

  private static double project(float[] x, double[] u) {
    double p = 0;
    for (int i = 0; i < x.length; i++) {
      p += x[i] * u[i];
    }
    return p;
  }

  @Test
  void capLiftsOnlyTokensBelowTheThresholdAndOnlyAtItsLayer() {
    float[] direction = direction();
    double[] u = unit(direction);
    try (DecodingState state = model.newState()) {
      Forward plain = state.prefill(List.of(PROMPT), everyTap);
      double[] before = new double[PROMPT.length];
      for (int t = 0; t < PROMPT.length; t++) {
        before[t] = project(plain.hidden(0, LAYER)[t], u);
      }
      double[] sorted = before.clone();
      Arrays.sort(sorted);
      float threshold = (float) ((sorted[PROMPT.length / 2 - 1] + sorted[PROMPT.length / 2]) / 2);

      state.cap(LAYER, direction, threshold);
      Forward capped = state.prefill(List.of(PROMPT), everyTap);
      int lifted = 0;
      for (int t = 0; t < PROMPT.length; t++) {
        for (int tap = 0; tap < LAYER; tap++) {
          assertArrayEquals(plain.hidden(0, tap)[t], capped.hidden(0, tap)[t], "layer " + tap + " is before the cap");
        }
        float[] x = plain.hidden(0, LAYER)[t];
        float[] y = capped.hidden(0, LAYER)[t];
        if (before[t] >= threshold) {
          assertArrayEquals(x, y, "token " + t + " projects " + before[t] + " >= " + threshold + ": unchanged");
          continue;
        }
        lifted++;
        double deficit = threshold - before[t];
        for (int i = 0; i < hidden; i++) {
          assertEquals(x[i] + deficit * u[i], y[i], 1e-4, "token " + t + ", dimension " + i);
        }
        assertEquals(threshold, project(y, u), 1e-4, "a lifted token projects exactly at the threshold");
      }
      assertEquals(PROMPT.length / 2, lifted, "the threshold splits the tokens");
      assertTrue(maxDifference(plain.lastLogits(0), capped.lastLogits(0)) > 1e-4, "capping changes the logits");

      // decoding steps are capped too: the layers before the cap wrote the same keys and values
      // either way, so the uncapped step's stream entering the layer is the one the cap acts on
      Forward step = state.step(new int[] {capped.sequence(0)}, new int[] {3}, everyTap);
      state.clearSteering();
      Forward again = state.prefill(List.of(PROMPT), everyTap);
      assertArrayEquals(plain.lastLogits(0), again.lastLogits(0), "capping off gives exactly the uncapped logits");
      Forward plainStep = state.step(new int[] {again.sequence(0)}, new int[] {3}, everyTap);
      float[] x = plainStep.hidden(0, LAYER)[0];
      float[] y = step.hidden(0, LAYER)[0];
      double deficit = Math.max(0, threshold - project(x, u));
      for (int i = 0; i < hidden; i++) {
        assertEquals(x[i] + deficit * u[i], y[i], 1e-4, "step, dimension " + i);
      }
    }
  }

  @Test
  void aThresholdBelowEveryTokenChangesNothingAnywhere() {
    float[] direction = direction();
    try (DecodingState plainState = model.newState(); DecodingState cappedState = model.newState()) {
      Forward plain = plainState.prefill(List.of(PROMPT), everyTap);
      for (int layer = 0; layer < layers; layer++) {
        cappedState.cap(layer, direction, -1e6f);
      }
      Forward capped = cappedState.prefill(List.of(PROMPT), everyTap);
      for (int tap = 0; tap <= layers; tap++) {
        for (int t = 0; t < PROMPT.length; t++) {
          assertArrayEquals(plain.hidden(0, tap)[t], capped.hidden(0, tap)[t], "tap " + tap + ", token " + t);
        }
      }
      assertArrayEquals(plain.lastLogits(0), capped.lastLogits(0));
      Forward plainStep = plainState.step(new int[] {plain.sequence(0)}, new int[] {3}, ForwardRequest.lastLogits());
      Forward cappedStep = cappedState.step(new int[] {capped.sequence(0)}, new int[] {3}, ForwardRequest.lastLogits());
      assertArrayEquals(plainStep.lastLogits(0), cappedStep.lastLogits(0));
    }
  }

  @Test
  void capAppliesAfterSteeringAtTheSameLayer() {
    float[] direction = direction();
    double[] u = unit(direction);
    try (DecodingState state = model.newState()) {
      state.steer(LAYER, direction, -10f); // pushes every token 30 down along d
      Forward steered = state.prefill(List.of(PROMPT), everyTap);
      float threshold = 0f;
      state.cap(LAYER, direction, threshold);
      Forward both = state.prefill(List.of(PROMPT), everyTap);
      for (int t = 0; t < PROMPT.length; t++) {
        double p = project(steered.hidden(0, LAYER)[t], u);
        assertTrue(p < threshold, "steering pushed token " + t + " below the threshold: " + p);
        assertEquals(threshold, project(both.hidden(0, LAYER)[t], u), 1e-4, "token " + t + " lifted back to τ");
      }
    }
  }

  @Test
  void badCapsAreRejectedNamingTheValue() {
    try (DecodingState state = model.newState()) {
      IllegalArgumentException layer = assertThrows(IllegalArgumentException.class, () -> state.cap(layers, direction(), 0f));
      assertTrue(layer.getMessage().contains(Integer.toString(layers)), layer.getMessage());
      assertThrows(IllegalArgumentException.class, () -> state.cap(0, new float[hidden - 1], 0f));
      IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> state.cap(0, new float[hidden], 0f));
      assertTrue(zero.getMessage().contains("capping direction"), zero.getMessage());
      assertThrows(IllegalArgumentException.class, () -> state.cap(0, direction(), Float.NaN));
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
