package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-core single-token product gives the whole product's values and leaves nothing behind,
 * though blocks of it are computed on other threads (outside the caller's scope). The test models
 * are too small to take this path, so it is exercised directly at a real head's shape. The helper
 * threads belong to a loaded model and are gone once it is closed.
 */
class RowSplitTest {
  @Test
  @SuppressWarnings("try")
  void halvesOnTwoThreadsEqualTheWholeProductAndLeakNothing() {
    try (NDManager base = NDManager.newBaseManager(); RowSplit.Workers workers = new RowSplit.Workers(3)) {
      base.getEngine().setRandomSeed(7);
      NDArray weight = base.randomNormal(new Shape(2049, 576)); // odd rows: unequal blocks
      RowSplit split = RowSplit.of(weight, workers);
      assertNotNull(split);
      int before = base.getManagedArrays().size();
      for (int i = 0; i < 40; i++) {
        try (NDScope scope = new NDScope()) {
          NDArray column = base.randomNormal(new Shape(576, 1));
          float[] whole = weight.matMul(column).toFloatArray();
          NDArray halves = split.times(column);
          assertEquals(new Shape(2049, 1), halves.getShape());
          assertArrayEquals(whole, halves.toFloatArray(), 1e-4f);
        }
      }
      assertEquals(before, base.getManagedArrays().size(), "arrays left in the weight's manager");
    }
  }

  @Test
  void smallWeightsAreNotSplit() {
    try (NDManager base = NDManager.newBaseManager(); RowSplit.Workers workers = new RowSplit.Workers(1)) {
      assertNull(RowSplit.of(base.zeros(new Shape(64, 64)), workers));
      assertNull(RowSplit.of(base.zeros(new Shape(2049, 576)), new RowSplit.Workers(0)), "no helpers: no split");
    }
  }

  @Test
  void aLoadedModelsHelperThreadsStopWhenItIsClosed() throws Exception {
    LanguageModel model = Backends.load(Fixtures.model("llama"));
    try (DecodingState state = model.newState()) {
      state.prefill(List.of(new int[] {1, 2, 3}), ForwardRequest.lastLogits());
    }
    if (Runtime.getRuntime().availableProcessors() > 1) {
      assertFalse(rowSplitThreads().isEmpty(), "a loaded model owns its helper threads");
    }
    model.close();
    assertEquals(List.of(), rowSplitThreads(), "helper threads left after close");
  }

  private static List<String> rowSplitThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(RowSplit.Workers.THREAD_NAME))
        .toList();
  }
}
