package dev.persona4j.engine.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.persona4j.tokenizers.Tokenizer;
import dev.persona4j.tokenizers.TokenizerException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target (Jazzer): any bytes as the header of a GGUF file, followed by a data section of zeros, opened
 * as an application opens a GGUF model: {@link GgufFile#open}, then its tokenizer and the values of its
 * small tensors. Only {@link GgufException} (and {@link TokenizerException} from the tokenizer the metadata
 * describes) may come out; any other exception, a hang or an OutOfMemoryError is a finding. The seeds are
 * the headers of the fixtures in ../shared/fixtures/gguf; {@code mvn verify} replays them and every finding
 * in {@code GgufHeaderFuzzTestInputs}, {@code -Pfuzz} fuzzes.
 */
class GgufHeaderFuzzTest {
  /** Zeros after the fuzzed bytes, so that a header's tensors fit and get read (a sparse file: no cost). */
  private static final long DATA_SECTION = 2L << 20;
  /** Tensors up to this size are dequantized: enough for the fixtures' norms and small matrices, fast. */
  private static final long READ_AT_MOST = 64 << 10;
  private static final Path DIR = scratch();

  @FuzzTest
  void fuzz(byte[] header) throws IOException {
    // a fresh file per run, deleted after it
    Path file = Files.createTempFile(DIR, "fuzz", ".gguf");
    try {
      Files.write(file, header);
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(header.length + DATA_SECTION);
      }
      GgufFile gguf;
      try {
        gguf = GgufFile.open(file);
      } catch (GgufException e) {
        return;
      }
      for (GgufTensor tensor : gguf.tensors().values()) {
        if (tensor.byteLength() <= READ_AT_MOST) {
          try {
            gguf.floats(tensor);
          } catch (GgufException e) {
            // a tensor the header describes wrongly, named
          }
        }
      }
      try (Tokenizer tokenizer = gguf.tokenizer()) {
        tokenizer.encode("Hello, world!", true);
      } catch (GgufException | TokenizerException e) {
        // no tokenizer, or one that cannot be rebuilt: named
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Path scratch() {
    try {
      // tmpfs where there is one: cheaper than a disk file per run
      Path shm = Path.of("/dev/shm");
      Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "persona4j-gguf-fuzz") : Files.createTempDirectory("persona4j-gguf-fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
