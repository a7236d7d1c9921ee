package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.checkpoint.Checkpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding leaves nothing behind in the model's managers: every pass is scoped. */
class NativeMemoryTest {
  @Test
  void manyStepsDoNotGrowTheManagers() {
    try (NDManager base = NDManager.newBaseManager()) {
      DjlLanguageModel model = new DjlLanguageModel(Checkpoint.open(Fixtures.model("qwen3")), base);
      try (DecodingState state = model.newState()) {
        Forward f = state.prefill(List.of(new int[] {1, 2, 3}, new int[] {4, 5}), ForwardRequest.allPositions(0, 3));
        int[] ids = {f.sequence(0), f.sequence(1)};
        state.step(ids, new int[] {6, 7}, ForwardRequest.withTaps(1));
        int before = base.getManagedArrays().size();
        for (int i = 0; i < 110; i++) {
          // crosses the cache's first capacity (64 positions), which reallocates it
          state.step(ids, new int[] {i % 500, (i * 7) % 500}, i % 10 == 0 ? ForwardRequest.allPositions(0, 3) : ForwardRequest.lastLogits());
        }
        int[] forks = state.fork(ids[0], 3);
        state.step(forks, new int[] {1, 2, 3}, ForwardRequest.lastLogits());
        state.release(forks);
        Forward extra = state.prefill(List.of(new int[] {9, 9, 9}), ForwardRequest.lastLogits());
        state.release(extra.sequence(0));
        state.steer(1, new float[64], 0.5f);
        state.step(ids, new int[] {1, 1}, ForwardRequest.lastLogits());
        state.clearSteering();
        // the cache grew in slots (forks) but holds the same number of arrays: two per layer
        assertEquals(before, base.getManagedArrays().size(), "arrays in the model's managers");
      }
      model.close();
    }
  }
}
