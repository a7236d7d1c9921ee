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
import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Parity with transformers on every reference checkpoint: logits and every hidden state within
 * 1e-4, greedy continuations identical (full recomputation and KV cache), batched prefill equal to
 * prompts alone, and forked sequences decoding identically. Another backend runs the same tests by
 * extending this class and overriding {@link #load}.
 */
public class ParityTest {
  public static final List<String> MODELS = Fixtures.MODELS;
  private static final double TOLERANCE = 1e-4;
  private static final List<String> REPORT = new ArrayList<>();

  /** The expected outputs of one prompt. */
  public record Expected(int[] ids, float[] logits, float[] hidden, int[] greedy) {}

  public static List<Expected> expected(Path dir) {
    SafetensorsReader r = SafetensorsReader.open(dir.resolve("expected.safetensors"));
    List<Expected> out = new ArrayList<>();
    for (int i = 0; r.contains("p" + i + ".input_ids"); i++) {
      String p = "p" + i + ".";
      out.add(new Expected(r.ints(p + "input_ids"), r.floats(p + "logits"), r.floats(p + "hidden_states"), r.ints(p + "greedy")));
    }
    return out;
  }

  public static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  public static double maxDiff(float[][] actual, float[] expected, int offset) {
    double max = 0;
    int k = offset;
    for (float[] row : actual) {
      for (float v : row) {
        max = Math.max(max, Math.abs(v - expected[k++]));
      }
    }
    return max;
  }

  /** Loads a reference checkpoint with the backend under test (the highest-priority one here). */
  protected LanguageModel load(Path dir) {
    return Backends.load(dir);
  }

  @ParameterizedTest
  @FieldSource("MODELS")
  public void logitsAndHiddenStatesMatchTransformers(String name) {
    Path dir = Fixtures.model(name);
    try (LanguageModel model = load(dir); DecodingState state = model.newState()) {
      int layers = model.info().layers();
      int hidden = model.info().hiddenSize();
      int[] taps = new int[layers + 1];
      Arrays.setAll(taps, i -> i);
      double logitMax = 0;
      double hiddenMax = 0;
      for (Expected e : expected(dir)) {
        Forward f = state.prefill(List.of(e.ids), ForwardRequest.allPositions(taps));
        float[][] logits = f.logits(0);
        assertEquals(e.ids.length, logits.length);
        logitMax = Math.max(logitMax, maxDiff(logits, e.logits, 0));
        assertArrayEquals(logits[logits.length - 1], f.lastLogits(0));
        for (int tap = 0; tap <= layers; tap++) {
          float[][] h = f.hidden(0, tap);
          assertEquals(e.ids.length, h.length);
          assertEquals(hidden, h[0].length);
          hiddenMax = Math.max(hiddenMax, maxDiff(h, e.hidden, tap * e.ids.length * hidden));
        }
        state.release(f.sequence(0));
      }
      REPORT.add(String.format(Locale.ROOT, "%-10s max |Δlogits| %.2e  max |Δhidden| %.2e", name, logitMax, hiddenMax));
      assertTrue(logitMax <= TOLERANCE, name + ": logits differ by " + logitMax);
      assertTrue(hiddenMax <= TOLERANCE, name + ": hidden states differ by " + hiddenMax);
    }
  }

  @ParameterizedTest
  @FieldSource("MODELS")
  public void greedyContinuationsMatchByRecomputationAndWithCache(String name) {
    Path dir = Fixtures.model(name);
    try (LanguageModel model = load(dir); DecodingState state = model.newState()) {
      for (Expected e : expected(dir)) {
        // full recomputation, as transformers computed the reference
        int[] seq = e.ids.clone();
        int[] recomputed = new int[e.greedy.length];
        for (int i = 0; i < recomputed.length; i++) {
          Forward f = state.prefill(List.of(seq), ForwardRequest.lastLogits());
          recomputed[i] = argmax(f.lastLogits(0));
          state.release(f.sequence(0));
          seq = Arrays.copyOf(seq, seq.length + 1);
          seq[seq.length - 1] = recomputed[i];
        }
        assertArrayEquals(e.greedy, recomputed, name + ": greedy by recomputation");
        // KV cache
        Forward f = state.prefill(List.of(e.ids), ForwardRequest.lastLogits());
        int id = f.sequence(0);
        int[] cached = new int[e.greedy.length];
        cached[0] = argmax(f.lastLogits(0));
        for (int i = 1; i < cached.length; i++) {
          cached[i] = argmax(state.step(new int[] {id}, new int[] {cached[i - 1]}, ForwardRequest.lastLogits()).lastLogits(0));
        }
        assertEquals(e.ids.length + cached.length - 1, state.length(id));
        assertArrayEquals(e.greedy, cached, name + ": greedy with the KV cache");
        state.release(id);
      }
    }
  }

  @ParameterizedTest
  @FieldSource("MODELS")
  public void batchOfDifferentLengthsEqualsEachPromptAlone(String name) {
    Path dir = Fixtures.model(name);
    List<Expected> all = expected(dir);
    try (LanguageModel model = load(dir); DecodingState state = model.newState()) {
      List<int[]> prompts = all.stream().map(Expected::ids).toList();
      Forward f = state.prefill(prompts, ForwardRequest.allPositions(model.info().layers()));
      double max = 0;
      for (int i = 0; i < all.size(); i++) {
        max = Math.max(max, maxDiff(f.logits(i), all.get(i).logits, 0));
        assertEquals(all.get(i).ids.length, state.length(f.sequence(i)));
      }
      // then one batched cached step per sequence continues each greedy continuation
      int[] ids = new int[all.size()];
      int[] next = new int[all.size()];
      for (int i = 0; i < all.size(); i++) {
        ids[i] = f.sequence(i);
        next[i] = argmax(f.lastLogits(i));
        assertEquals(all.get(i).greedy[0], next[i]);
      }
      for (int k = 1; k < 12; k++) {
        Forward s = state.step(ids, next, ForwardRequest.lastLogits());
        for (int i = 0; i < all.size(); i++) {
          next[i] = argmax(s.lastLogits(i));
          assertEquals(all.get(i).greedy[k], next[i], name + ": batched greedy prompt " + i + " token " + k);
        }
      }
      REPORT.add(String.format(Locale.ROOT, "%-10s batched prefill max |Δlogits| %.2e", name, max));
      assertTrue(max <= TOLERANCE, name + ": batched logits differ by " + max);
    }
  }

  @ParameterizedTest
  @FieldSource("MODELS")
  public void theModelsTokenizerEncodesThePromptsToTheReferenceIds(String name) throws Exception {
    Path dir = Fixtures.model(name);
    com.fasterxml.jackson.databind.JsonNode prompts = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("prompts");
    List<Expected> all = expected(dir);
    try (LanguageModel model = load(dir)) {
      assertEquals(512, model.tokenizer().vocabSize());
      for (int i = 0; i < all.size(); i++) {
        com.fasterxml.jackson.databind.JsonNode p = prompts.get(i);
        assertArrayEquals(all.get(i).ids, model.tokenizer().encode(p.get("text").asText(), p.get("add_special_tokens").asBoolean()), name + " prompt " + i);
      }
      assertTrue(model.tokenizer() == model.tokenizer(), "loaded once");
    }
  }

  @ParameterizedTest
  @FieldSource("MODELS")
  public void forkedSequencesDecodeIdentically(String name) {
    Path dir = Fixtures.model(name);
    Expected e = expected(dir).get(1);
    try (LanguageModel model = load(dir); DecodingState state = model.newState()) {
      // a released neighbour leaves a hole, so forks land in non-contiguous slots
      Forward other = state.prefill(List.of(new int[] {1, 2, 3}), ForwardRequest.lastLogits());
      Forward f = state.prefill(List.of(e.ids), ForwardRequest.lastLogits());
      state.release(other.sequence(0));
      int root = f.sequence(0);
      int[] copies = state.fork(root, 3);
      int[] ids = new int[4];
      ids[0] = root;
      System.arraycopy(copies, 0, ids, 1, 3);
      int[][] generated = new int[4][12];
      int[] next = new int[4];
      Arrays.fill(next, argmax(f.lastLogits(0)));
      for (int k = 0; k < 12; k++) {
        for (int i = 0; i < 4; i++) {
          generated[i][k] = next[i];
        }
        if (k == 11) {
          break;
        }
        Forward s = state.step(ids, next, ForwardRequest.lastLogits());
        for (int i = 0; i < 4; i++) {
          next[i] = argmax(s.lastLogits(i));
        }
      }
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(e.greedy, generated[i], name + ": fork " + i);
        assertEquals(e.ids.length + 11, state.length(ids[i]));
      }
    }
  }

  @AfterAll
  static void report() {
    REPORT.forEach(System.out::println);
  }
}
