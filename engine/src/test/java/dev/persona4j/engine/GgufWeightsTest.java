package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufFixtures;
import dev.persona4j.engine.gguf.GgufTensor;
import dev.persona4j.engine.gguf.GgufType;
import dev.persona4j.engine.gguf.GgufWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
      WeightMatrix alone = Q8PanelMatrix.of(rows, cols, gguf.rowData(t).duplicate().order(ByteOrder.LITTLE_ENDIAN));
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

  /**
   * F32 and F16 token embeddings of 65,536 rows (16 MiB and 8 MiB, several of the loader's stretches of
   * rows) land in their panels as the values the file holds, every row, the last panel's included.
   */
  @Test
  void floatMatricesLargerThanAStretchAreReadWhole(@TempDir Path tmp) {
    int hidden = 64;
    int vocab = 65_536 + 5;
    for (GgufType type : new GgufType[] {GgufType.F32, GgufType.F16}) {
      int width = type == GgufType.F32 ? 4 : 2;
      GgufWriter w = GgufFixtures.embeddingFile(hidden, vocab, type, () -> {
        ByteBuffer b = ByteBuffer.allocate(hidden * vocab * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < hidden * vocab; i++) {
          float v = (i % 2048) - 1024; // exact in F16 too
          if (type == GgufType.F32) {
            b.putFloat(i * 4, v);
          } else {
            b.putShort(i * 2, half(v));
          }
        }
        return b;
      });
      Path file = tmp.resolve(type + ".gguf");
      w.write(file);
      GgufFile gguf = GgufFile.open(file);
      WeightMatrix m = new GgufWeights(gguf).matrix("model.embed_tokens.weight", vocab, hidden);
      float[] row = new float[hidden];
      for (int r = 0; r < vocab; r++) {
        m.row(r, row, 0);
        for (int c = 0; c < hidden; c++) {
          int i = r * hidden + c;
          if (row[c] != (i % 2048) - 1024) {
            throw new AssertionError(type + " row " + r + " column " + c + ": " + row[c]);
          }
        }
      }
    }
  }

  /**
   * Q8_0 and Q4_0 embeddings of 65,541 rows (several stretches, the last panel short) decode as the
   * matrix made from the whole tensor at once.
   */
  @Test
  void quantizedMatricesLargerThanAStretchDecodeAsTheWholeTensor(@TempDir Path tmp) {
    int hidden = 64;
    int vocab = 65_536 + 5;
    float[] values = new float[hidden * vocab];
    Random random = new Random(29);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    for (GgufType type : new GgufType[] {GgufType.Q8_0, GgufType.Q4_0}) {
      ByteBuffer bytes = ByteBuffer.allocate((int) type.bytes(values.length)).order(ByteOrder.LITTLE_ENDIAN);
      type.quantize(values, 0, values.length, bytes, 0);
      Path file = tmp.resolve(type + ".gguf");
      GgufFixtures.embeddingFile(hidden, vocab, type, () -> bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN)).write(file);
      GgufFile gguf = GgufFile.open(file);
      WeightMatrix m = new GgufWeights(gguf).matrix("model.embed_tokens.weight", vocab, hidden);
      WeightMatrix whole = QuantizedMatrix.of(type, vocab, hidden, bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN));
      float[] a = new float[hidden];
      float[] b = new float[hidden];
      for (int r = 0; r < vocab; r++) {
        whole.row(r, a, 0);
        m.row(r, b, 0);
        if (!Arrays.equals(a, b)) {
          throw new AssertionError(type + " row " + r + " differs");
        }
      }
    }
  }

  /** The F16 bits of a float that F16 holds exactly (zero or a normal number). */
  private static short half(float v) {
    if (v == 0) {
      return 0;
    }
    int bits = Float.floatToRawIntBits(v);
    int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
    return (short) ((bits >>> 16 & 0x8000) | exponent << 10 | (bits & 0x7fffff) >>> 13);
  }
}
