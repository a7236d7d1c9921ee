package dev.persona4j.engine;

import static dev.persona4j.core.backend.djl.ParityTest.argmax;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import dev.persona4j.engine.gguf.GgufFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every GGUF file of ../shared/fixtures/gguf run on the Java engine, loaded from the file alone (no
 * config.json: {@code Backends.load(file)} picks the java backend): logits within 1e-4 of the fixture's
 * float64 forward over the dequantized weights, the 12 greedy tokens by full recomputation and with the
 * cache, a batch of the four prompts of different lengths, a prompt forked into four sequences, and the
 * tokenizer from the metadata giving the Hugging Face tokenizer's ids.
 */
class GgufParityTest {
  private static final double TOLERANCE = 1e-4;
  private static final List<String> REPORT = new ArrayList<>();

  /** One prompt's expected outputs: logits [seq][vocab] (prompts 0 and 2) or [1][vocab] of the last position. */
  record Prompt(int[] ids, float[] logits, boolean allPositions, int[] greedy) {}

  static List<Prompt> prompts(Path gguf) {
    SafetensorsReader r = SafetensorsReader.open(gguf.resolveSibling(gguf.getFileName().toString().replace(".gguf", ".expected.safetensors")));
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; r.contains("p" + i + ".input_ids"); i++) {
      String p = "p" + i + ".";
      boolean all = r.contains(p + "logits");
      out.add(new Prompt(r.ints(p + "input_ids"), r.floats(p + (all ? "logits" : "logits_last")), all, r.ints(p + "greedy")));
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureFileRunsWithinToleranceOfItsExpectedOutputs() {
    return GgufFixtures.ggufFiles().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  private static void check(Path file) {
    List<Prompt> prompts = prompts(file);
    JsonNode expected = GgufFixtures.expected(file);
    String name = file.getFileName().toString();
    try (LanguageModel model = Backends.load(file)) {
      assertTrue(model instanceof JavaLanguageModel, "a .gguf file is loaded by the java backend: " + model);
      assertEquals(file, model.info().directory());
      assertTrue(((JavaLanguageModel) model).holdsTokenizerSource(), "the tokenizer is made on first use");
      JsonNode check = expected.get("tokenizer_check");
      assertArrayEquals(ints(check.get("hf_token_ids")), model.tokenizer().encode(check.get("text").asText(),
          check.get("add_special_tokens").asBoolean()), name + " tokenizer ids");
      // once made, the model lets go of the file's metadata (every token and merge as a string)
      assertTrue(!((JavaLanguageModel) model).holdsTokenizerSource(), name + " still holds its tokenizer's source");
      for (JsonNode p : expected.get("prompts")) {
        assertArrayEquals(ints(p.get("input_ids")), model.tokenizer().encode(p.get("text").asText(),
            p.get("add_special_tokens").asBoolean()), name + " prompt " + p.get("index") + " ids");
      }
      double alone = 0;
      double batched = 0;
      try (DecodingState state = model.newState()) {
        for (int i = 0; i < prompts.size(); i++) {
          Prompt p = prompts.get(i);
          // with the cache: prefill, then 11 cached steps
          Forward f = state.prefill(List.of(p.ids), p.allPositions ? ForwardRequest.allPositions() : ForwardRequest.lastLogits());
          alone = Math.max(alone, diff(p, f, 0));
          int id = f.sequence(0);
          int[] cached = new int[p.greedy.length];
          cached[0] = argmax(f.lastLogits(0));
          for (int k = 1; k < cached.length; k++) {
            cached[k] = argmax(state.step(new int[] {id}, new int[] {cached[k - 1]}, ForwardRequest.lastLogits()).lastLogits(0));
          }
          state.release(id);
          assertArrayEquals(p.greedy, cached, name + " prompt " + i + ": greedy with the cache");
          if (i == 0) {
            // without the cache: every token from a prefill of everything before it (the shortest prompt: the time budget's share)
            int[] seq = p.ids.clone();
            int[] recomputed = new int[p.greedy.length];
            for (int k = 0; k < recomputed.length; k++) {
              Forward r = state.prefill(List.of(seq), ForwardRequest.lastLogits());
              recomputed[k] = argmax(r.lastLogits(0));
              state.release(r.sequence(0));
              seq = Arrays.copyOf(seq, seq.length + 1);
              seq[seq.length - 1] = recomputed[k];
            }
            assertArrayEquals(p.greedy, recomputed, name + " prompt " + i + ": greedy by recomputation");
          }
        }
        // the four prompts of different lengths in one batch, then batched cached steps
        Forward f = state.prefill(prompts.stream().map(Prompt::ids).toList(), ForwardRequest.allPositions());
        int[] ids = new int[prompts.size()];
        int[] next = new int[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
          batched = Math.max(batched, diff(prompts.get(i), f, i));
          ids[i] = f.sequence(i);
          next[i] = argmax(f.lastLogits(i));
        }
        for (int k = 0; k < 12; k++) {
          for (int i = 0; i < prompts.size(); i++) {
            assertEquals(prompts.get(i).greedy[k], next[i], name + " batched prompt " + i + " token " + k);
          }
          if (k < 11) {
            Forward s = state.step(ids, next, ForwardRequest.lastLogits());
            for (int i = 0; i < ids.length; i++) {
              next[i] = argmax(s.lastLogits(i));
            }
          }
        }
        for (int id : ids) {
          state.release(id);
        }
        // prompt 1 forked into four sequences stepped together
        Prompt p = prompts.get(1);
        Forward root = state.prefill(List.of(p.ids), ForwardRequest.lastLogits());
        int[] forks = new int[4];
        forks[0] = root.sequence(0);
        System.arraycopy(state.fork(forks[0], 3), 0, forks, 1, 3);
        int[] tokens = new int[4];
        Arrays.fill(tokens, argmax(root.lastLogits(0)));
        for (int k = 0; k < 12; k++) {
          for (int i = 0; i < 4; i++) {
            assertEquals(p.greedy[k], tokens[i], name + " fork " + i + " token " + k);
          }
          if (k < 11) {
            Forward s = state.step(forks, tokens, ForwardRequest.lastLogits());
            for (int i = 0; i < 4; i++) {
              tokens[i] = argmax(s.lastLogits(i));
            }
          }
        }
      }
      REPORT.add(String.format(Locale.ROOT, "%-22s max |Δlogits| alone %.2e, batched %.2e", name, alone, batched));
      assertTrue(alone <= TOLERANCE, name + ": logits differ by " + alone);
      assertTrue(batched <= TOLERANCE, name + ": batched logits differ by " + batched);
    }
  }

  /** The largest difference between a sequence's logits in {@code f} and the expected ones. */
  private static double diff(Prompt p, Forward f, int sequence) {
    float[][] actual = p.allPositions ? f.logits(sequence) : new float[][] {f.lastLogits(sequence)};
    double max = 0;
    int k = 0;
    for (float[] row : actual) {
      for (float v : row) {
        max = Math.max(max, Math.abs(v - p.logits[k++]));
      }
    }
    assertEquals(p.logits.length, k, "as many logits as expected");
    return max;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  @AfterAll
  static void report() {
    REPORT.forEach(System.out::println);
  }
}
