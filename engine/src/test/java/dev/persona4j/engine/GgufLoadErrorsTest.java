package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufFixtures;
import dev.persona4j.engine.gguf.GgufTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a bad model file fails fast with a typed error naming the file and the tensor. */
class GgufLoadErrorsTest {
  @TempDir Path tmp;

  @Test
  void aBlockWithAnInfiniteScaleIsRefusedNamingTheTensor() throws IOException {
    Path file = Files.copy(GgufFixtures.gguf("llama", "Q8_0"), tmp.resolve("llama-Q8_0.gguf"));
    file.toFile().setWritable(true);
    GgufFile gguf = GgufFile.open(file);
    GgufTensor q = gguf.tensor("blk.1.attn_v.weight");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0x7c00), gguf.dataOffset() + q.offset());
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("blk.1.attn_v.weight")
        && e.getMessage().contains("not finite"), e.getMessage());
  }

  @Test
  void aFileNoBackendLoadsIsRefusedNamingIt() throws IOException {
    Path file = Files.write(tmp.resolve("notes.gguf"), "not a model".getBytes());
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("no backend"), e.getMessage());
  }
}
