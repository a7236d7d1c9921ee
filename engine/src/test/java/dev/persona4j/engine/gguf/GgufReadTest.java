package dev.persona4j.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a large tensor: its bytes whole, without leaving a buffer of its size with the reading thread. */
class GgufReadTest {
  @TempDir Path tmp;

  private static long directBytes() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        return pool.getMemoryUsed();
      }
    }
    throw new AssertionError("no direct buffer pool");
  }

  @Test
  void aLargeTensorIsReadWholeWithoutATensorSizedBufferLeftWithTheThread() throws Exception {
    int hidden = 64;
    int vocab = 65_536; // 16 MiB of float32
    GgufWriter w = GgufFixtures.embeddingFile(hidden, vocab, GgufType.F32, () -> {
      ByteBuffer b = ByteBuffer.allocate(hidden * vocab * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < hidden * vocab; i++) {
        b.putFloat(i * 4, i);
      }
      return b;
    });
    Path file = tmp.resolve("large.gguf");
    w.write(file);
    GgufFile gguf = GgufFile.open(file);
    GgufTensor tensor = gguf.tensor("token_embd.weight");
    AtomicReference<ByteBuffer> read = new AtomicReference<>();
    AtomicLong kept = new AtomicLong();
    Thread reader = new Thread(() -> {
      long before = directBytes();
      read.set(gguf.rawData(tensor));
      kept.set(directBytes() - before); // the JDK's buffers for this thread, while it lives
    });
    reader.start();
    reader.join();
    ByteBuffer data = read.get();
    assertEquals(hidden * vocab * 4, data.remaining());
    for (int i = 0; i < hidden * vocab; i += 4099) {
      assertEquals((float) i, data.getFloat(i * 4), "value " + i);
    }
    assertEquals((float) (hidden * vocab - 1), data.getFloat((hidden * vocab - 1) * 4));
    assertTrue(kept.get() <= 2 * GgufFile.READ_BYTES, "the reading thread kept " + kept.get() + " bytes of direct buffers");
  }

  /**
   * Every fixture file's 2-D tensors read a few rows at a time, into one reused buffer, give the bytes
   * of the whole tensor in Hugging Face's order: llama's permuted q/k rows included, in stretches that
   * cut its heads anywhere.
   */
  @Test
  void stretchesOfRowsAreTheWholeTensorsRows() {
    for (Path path : GgufFixtures.ggufFiles()) {
      GgufFile gguf = GgufFile.open(path);
      ByteBuffer reuse = null;
      for (GgufTensor t : gguf.tensors().values()) {
        if (t.dims().length != 2) {
          continue;
        }
        ByteBuffer whole = gguf.rowData(t);
        int rows = (int) t.rows();
        int rowBytes = (int) (t.byteLength() / rows);
        for (int stretch : new int[] {1, 3, 7, rows}) {
          for (int r = 0; r < rows; r += stretch) {
            int n = Math.min(stretch, rows - r);
            reuse = gguf.rowData(t, r, n, reuse);
            assertEquals(n * rowBytes, reuse.remaining(), path.getFileName() + " " + t.name());
            for (int i = 0; i < n * rowBytes; i++) {
              if (reuse.get(i) != whole.get(r * rowBytes + i)) {
                throw new AssertionError(path.getFileName() + " " + t.name() + " (permuted: " + gguf.rowsPermuted(t) + ") rows "
                    + r + ".." + (r + n) + ": byte " + i + " differs");
              }
            }
          }
        }
      }
    }
  }
}
