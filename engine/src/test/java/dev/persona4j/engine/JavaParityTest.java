package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.core.backend.djl.ParityTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DJL engine's parity tests (transformers' logits and hidden states within 1e-4, greedy tokens
 * with and without the cache, batched, forked) run on the Java engine, plus the float16 {@code
 * llama-k} checkpoint of ../shared/fixtures, whose reference is a float64 forward pass.
 */
class JavaParityTest extends ParityTest {
  static final LoadOptions JAVA = LoadOptions.builder().backend("java").build();
  static final Path LLAMA_K = Path.of("../../shared/fixtures/hf-reference/models/llama-k").toAbsolutePath().normalize();

  @Override
  protected LanguageModel load(Path dir) {
    LanguageModel model = Backends.load(dir, JAVA);
    assertTrue(model instanceof JavaLanguageModel, "loaded by the java backend: " + model);
    return model;
  }

  @Test
  void float16LlamaKMatchesItsFloat64ReferenceWithAndWithoutTheCache() {
    assumeTrue(Files.isDirectory(LLAMA_K), "skipped: " + LLAMA_K + " is absent (the shared fixtures are not checked out)");
    try (LanguageModel model = load(LLAMA_K); DecodingState state = model.newState()) {
      int layers = model.info().layers();
      int hidden = model.info().hiddenSize();
      int[] taps = new int[layers + 1];
      java.util.Arrays.setAll(taps, i -> i);
      for (Expected e : expected(LLAMA_K)) {
        Forward f = state.prefill(List.of(e.ids()), ForwardRequest.allPositions(taps));
        double logits = maxDiff(f.logits(0), e.logits(), 0);
        assertTrue(logits <= 1e-4, "llama-k logits differ by " + logits);
        for (int tap = 0; tap <= layers; tap++) {
          double h = maxDiff(f.hidden(0, tap), e.hidden(), tap * e.ids().length * hidden);
          assertTrue(h <= 1e-4, "llama-k hidden state " + tap + " differs by " + h);
        }
        int id = f.sequence(0);
        int[] greedy = new int[e.greedy().length];
        greedy[0] = argmax(f.lastLogits(0));
        for (int i = 1; i < greedy.length; i++) {
          greedy[i] = argmax(state.step(new int[] {id}, new int[] {greedy[i - 1]}, ForwardRequest.lastLogits()).lastLogits(0));
        }
        assertArrayEquals(e.greedy(), greedy, "llama-k greedy tokens with the cache");
        state.release(id);
      }
    }
  }
}
