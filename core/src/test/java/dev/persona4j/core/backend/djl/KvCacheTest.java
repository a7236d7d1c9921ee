package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The cache grows to what is asked (not to the next power of two) and keeps what it holds. */
class KvCacheTest {
  private static final int LAYERS = 2;
  private static final int KV_HEADS = 2;
  private static final int HEAD_DIM = 3;

  @Test
  void growthKeepsContentsAndStaysNearWhatIsAsked() {
    try (NDManager manager = NDManager.newBaseManager(); KvCache cache = new KvCache(manager, LAYERS, KV_HEADS, HEAD_DIM, 1000)) {
      cache.ensure(1, 128);
      assertEquals(1, cache.slots());
      assertEquals(128 + KvCache.HEADROOM, cache.capacity(), "a prompt leaves room for decoding");

      // write 5 positions of slot 0 in every layer: k = position·10 + layer + row/100, v = -k
      int columns = 5;
      long[] slotOf = new long[columns];
      long[] positionOf = {0, 1, 2, 3, 4};
      float[][] written = new float[LAYERS][];
      NDIndex[] at = KvCache.writeIndex(manager.create(slotOf), manager.create(positionOf));
      for (int l = 0; l < LAYERS; l++) {
        float[] k = new float[KV_HEADS * HEAD_DIM * columns];
        for (int row = 0; row < KV_HEADS * HEAD_DIM; row++) {
          for (int c = 0; c < columns; c++) {
            k[row * columns + c] = c * 10 + l + row / 100f;
          }
        }
        written[l] = k;
        NDArray kk = manager.create(k, new Shape(KV_HEADS * HEAD_DIM, columns));
        cache.write(l, kk, kk.neg(), at);
      }

      cache.ensure(9, 193); // 8 forks and one step past the capacity
      assertEquals(9, cache.slots(), "slots grow to exactly what is asked");
      assertTrue(cache.capacity() >= 193 + KvCache.HEADROOM && cache.capacity() <= 193 + 2 * KvCache.HEADROOM + 63,
          "capacity " + cache.capacity() + " for 193 positions");
      cache.copy(0, 8, columns);

      for (int l = 0; l < LAYERS; l++) {
        for (int slot : new int[] {0, 8}) {
          NDArray[] kv = cache.read(l, new int[] {slot}, manager.create(new long[] {slot}), columns);
          // keys [1, kvHeads, headDim, length] read back as the [kvHeads·headDim, columns] written
          float[] k = kv[0].reshape(KV_HEADS * HEAD_DIM, columns).toFloatArray();
          float[] v = kv[1].transpose(0, 1, 3, 2).reshape(KV_HEADS * HEAD_DIM, columns).toFloatArray();
          assertArrayEquals(written[l], k, "keys of layer " + l + ", slot " + slot);
          for (int i = 0; i < v.length; i++) {
            assertEquals(-written[l][i], v[i], "values of layer " + l + ", slot " + slot + " at " + i);
          }
        }
        NDArray untouched = cache.read(l, new int[] {3}, manager.create(new long[] {3}), columns)[0];
        assertEquals(0f, untouched.abs().sum().getFloat(), "a slot never written is zero");
      }
    }
  }
}
