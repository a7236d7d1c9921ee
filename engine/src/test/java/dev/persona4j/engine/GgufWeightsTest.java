package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufFixtures;
import dev.persona4j.engine.gguf.GgufTensor;
import dev.persona4j.engine.gguf.GgufType;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A GGUF file's Q8_0 matrices are laid out in one pair of slabs sized exactly for them all. */
class GgufWeightsTest {
  @Test
  void theQ8_0MatricesShareSlabsSizedForThemAllAndDecodeAsTheirOwnArraysDo() {
    GgufFile gguf = GgufFile.open(GgufFixtures.gguf("llama", "Q8_0"));
    GgufWeights weights = new GgufWeights(gguf);
    List<GgufTensor> q8 = new ArrayList<>();
    for (GgufTensor t : gguf.tensors().values()) {
      if (t.type() == GgufType.Q8_0 && t.shape().length == 2) {
        q8.add(t);
      }
    }
    assertTrue(q8.size() > 3, "the fixture has Q8_0 matrices: " + q8.size());
    byte[] levelSlab = null;
    float[] scaleSlab = null;
    long levels = 0;
    long scales = 0;
    for (int i = q8.size() - 1; i >= 0; i--) { // any order: the slabs hold what is left to read
      GgufTensor t = q8.get(i);
      int rows = (int) t.shape()[0];
      int cols = (int) t.shape()[1];
      Q8PanelMatrix m = (Q8PanelMatrix) weights.matrix(gguf.hfName(t).orElseThrow(), rows, cols);
      if (levelSlab == null) {
        levelSlab = m.levelStorage();
        scaleSlab = m.scaleStorage();
      }
      assertSame(levelSlab, m.levelStorage(), t.name() + "'s levels are in the shared slab");
      assertSame(scaleSlab, m.scaleStorage(), t.name() + "'s scales are in the shared slab");
      levels += Q8PanelMatrix.storedLevels(rows, cols);
      scales += Q8PanelMatrix.storedScales(rows, cols);
      // the same rows as the matrix built from the same data in arrays of its own
      WeightMatrix alone = new Q8PanelMatrix(rows, cols, gguf.rowData(t).duplicate().order(ByteOrder.LITTLE_ENDIAN));
      float[] want = new float[cols];
      float[] got = new float[cols];
      for (int r = 0; r < rows; r++) {
        alone.row(r, want, 0);
        m.row(r, got, 0);
        for (int c = 0; c < cols; c++) {
          assertEquals(Float.floatToRawIntBits(want[c]), Float.floatToRawIntBits(got[c]), t.name() + " row " + r + " column " + c);
        }
      }
    }
    assertEquals(levels, levelSlab.length, "the level slab holds exactly the Q8_0 matrices' panels");
    assertEquals(scales, scaleSlab.length, "the scale slab holds exactly their scales");
  }
}
