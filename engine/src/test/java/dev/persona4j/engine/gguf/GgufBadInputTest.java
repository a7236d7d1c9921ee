package dev.persona4j.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt GGUF files, made by patching a fixture's header, each get a {@link GgufException} naming the file and
 * the metadata key or tensor at fault.
 */
class GgufBadInputTest {
  @TempDir Path tmp;
  private byte[] original;

  @BeforeEach
  void readFixture() throws IOException {
    original = Files.readAllBytes(GgufFixtures.gguf("llama", "F32"));
  }

  @Test
  void opensTheUnpatchedFixture() throws IOException {
    assertEquals(39, GgufFile.open(write(original)).tensors().size());
  }

  @Test
  void missingFileAndDirectory() {
    GgufException missing = assertThrows(GgufException.class, () -> GgufFile.open(tmp.resolve("none.gguf")));
    assertTrue(missing.getMessage().contains("file not found"), missing.getMessage());
    GgufException dir = assertThrows(GgufException.class, () -> GgufFile.open(tmp));
    assertTrue(dir.getMessage().contains("not a regular file"), dir.getMessage());
  }

  @Test
  void notGguf() throws IOException {
    expect(patched(b -> b[0] = 'X'), "magic", "not a GGUF file");
  }

  @Test
  void truncatedHeader() throws IOException {
    expect(write(Arrays.copyOf(original, 2000)), "tokenizer.ggml.tokens", "file truncated");
  }

  @Test
  void truncatedData() throws IOException {
    expect(write(Arrays.copyOf(original, original.length - 100)), "output_norm.weight", "outside the data section");
  }

  @Test
  void lyingTensorCount() throws IOException {
    expect(patched(b -> putLong(b, 8, Long.MAX_VALUE)), "tensor_count", "impossible");
  }

  @Test
  void lyingStringLength() throws IOException {
    expect(patched(b -> putLong(b, 24, 1L << 40)), "metadata key #0", "impossible");
  }

  @Test
  void lyingArrayLength() throws IOException {
    // tokenizer.ggml.tokens: key, type 9, element type 8, then the count
    int count = after("tokenizer.ggml.tokens") + 8;
    expect(patched(b -> putLong(b, count, 1L << 33)), "tokenizer.ggml.tokens", "impossible");
  }

  @Test
  void lyingOffset() throws IOException {
    int offset = tensorInfo("output_norm.weight") + 4 + 8 + 4;
    expect(patched(b -> putLong(b, offset, 1L << 30)), "output_norm.weight", "outside the data section");
  }

  @Test
  void unalignedOffset() throws IOException {
    int offset = tensorInfo("output_norm.weight") + 4 + 8 + 4;
    expect(patched(b -> putLong(b, offset, getLong(b, offset) + 4)), "output_norm.weight", "alignment");
  }

  @Test
  void lyingShapeOverlapsTheNextTensor() throws IOException {
    int dims = tensorInfo("blk.0.attn_norm.weight") + 4;
    expect(patched(b -> putLong(b, dims, 128)), "blk.0.ffn_down.weight", "overlaps tensor blk.0.attn_norm.weight");
  }

  @Test
  void unknownTensorType() throws IOException {
    int type = tensorInfo("output_norm.weight") + 4 + 8;
    expect(patched(b -> putInt(b, type, 99)), "output_norm.weight", "tensor type 99 is not supported");
  }

  @Test
  void unknownValueType() throws IOException {
    int type = after("general.architecture") - 4;
    expect(patched(b -> putInt(b, type, 77)), "general.architecture", "unknown value type 77");
  }

  @Test
  void unknownArchitecture() throws IOException {
    int value = after("general.architecture") + 8;
    expect(patched(b -> b[value] = 'm'), "general.architecture", "architecture mlama is not supported");
  }

  @Test
  void missingMetadataKey() throws IOException {
    int key = after("llama.block_count") - 5;
    expect(patched(b -> b[key] = 'x'), "llama.block_count", "missing metadata key");
  }

  @Test
  void vocabularySizeMismatch() throws IOException {
    int value = after("llama.vocab_size");
    expect(patched(b -> putInt(b, value, 511)), "llama.vocab_size", "differs from token_embd.weight's 512 rows");
  }

  @Test
  void tokenTypesOfAnotherLength() throws IOException {
    GgufWriter w = new GgufWriter();
    GgufFile f = GgufFile.open(GgufFixtures.gguf("llama", "F32"));
    w.putString("general.architecture", "llama");
    for (String key : new String[] {"block_count", "context_length", "embedding_length", "feed_forward_length",
        "attention.head_count"}) {
      w.putUint32("llama." + key, ((Number) f.metadata().get("llama." + key)).longValue());
    }
    w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.putString("tokenizer.ggml.model", "gpt2");
    w.putStrings("tokenizer.ggml.tokens", java.util.List.of("a", "b"));
    w.putInt32s("tokenizer.ggml.token_type", java.util.List.of(1));
    w.putStrings("tokenizer.ggml.merges", java.util.List.of("a b"));
    w.tensor("token_embd.weight", GgufType.F32, new long[] {64, 2}, () -> ByteBuffer.allocate(64 * 2 * 4));
    Path file = tmp.resolve("types.gguf");
    w.write(file);
    expect(file, "tokenizer.ggml.token_type", "1 types for 2 tokens");
  }

  // ---- helpers

  private void expect(Path file, String location, String problem) {
    GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(file));
    assertEquals(file, e.file());
    assertEquals(location, e.location().orElse(null), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
  }

  private Path patched(Consumer<byte[]> patch) throws IOException {
    byte[] b = original.clone();
    patch.accept(b);
    return write(b);
  }

  private Path write(byte[] bytes) throws IOException {
    return Files.write(Files.createTempFile(tmp, "bad", ".gguf"), bytes);
  }

  /** The offset just after the string {@code s} (length-prefixed) in the header. */
  private int after(String s) {
    byte[] needle = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 8; i + needle.length <= original.length; i++) {
      if (getLong(original, i - 8) == needle.length && Arrays.equals(original, i, i + needle.length, needle, 0, needle.length)) {
        return i + needle.length + 4; // and past the value type
      }
    }
    throw new AssertionError(s + " not in the fixture");
  }

  /** The offset of a tensor info's n_dims field. */
  private int tensorInfo(String name) {
    return after(name) - 4;
  }

  private static void putLong(byte[] b, int at, long v) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
  }

  private static long getLong(byte[] b, int at) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
  }

  private static void putInt(byte[] b, int at, int v) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
  }
}
