package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded model owns its weights: the file changing under it (overwritten in place by a re-download,
 * truncated by a {@code cp}) changes nothing, never kills the JVM with SIGBUS nor silently changes logits.
 */
class WeightsOwnedTest {
  private static final int[] PROMPT = {1, 5, 9, 14, 2, 7};

  @TempDir Path tmp;

  @Test
  void weightsOverwrittenOrTruncatedUnderALoadedModelChangeNothing() throws IOException {
    for (String name : List.of("llama", "gpt2", "qwen2-bf16")) {
      Path dir = tmp.resolve(name);
      Files.createDirectories(dir);
      try (var files = Files.list(Fixtures.model(name))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
      Path weights = dir.resolve("model.safetensors");
      try (LanguageModel model = Backends.load(dir)) {
        float[] before = logits(model);
        // Overwritten in place at the same size: the header stays, every data byte becomes zero.
        long dataStart;
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
          byte[] len = new byte[8];
          f.readFully(len);
          dataStart = 8 + ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
          f.seek(dataStart);
          f.write(new byte[(int) (f.length() - dataStart)]);
        }
        assertArrayEquals(before, logits(model), 0f, name + ": overwritten in place");
        // Truncated to its header: before the weights were owned, touching a mapped page past the end was SIGBUS.
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
          f.setLength(dataStart);
        }
        assertArrayEquals(before, logits(model), 0f, name + ": truncated");
        Files.delete(weights);
        assertArrayEquals(before, logits(model), 0f, name + ": deleted");
      }
    }
  }

  private static float[] logits(LanguageModel model) {
    try (DecodingState state = model.newState()) {
      return state.prefill(List.of(PROMPT), ForwardRequest.lastLogits()).lastLogits(0);
    }
  }
}
