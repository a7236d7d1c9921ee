package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The two-core single-token product gives the whole product's values and leaves nothing behind,
 * though half of it is computed on another thread (outside the caller's scope). The test models
 * are too small to take this path, so it is exercised directly at a real head's shape.
 */
class RowSplitTest {
  @Test
  @SuppressWarnings("try")
  void halvesOnTwoThreadsEqualTheWholeProductAndLeakNothing() {
    try (NDManager base = NDManager.newBaseManager()) {
      base.getEngine().setRandomSeed(7);
      NDArray weight = base.randomNormal(new Shape(2049, 576)); // odd rows: unequal halves
      RowSplit split = RowSplit.of(weight);
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
    try (NDManager base = NDManager.newBaseManager()) {
      assertNull(RowSplit.of(base.zeros(new Shape(64, 64))));
    }
  }
}
