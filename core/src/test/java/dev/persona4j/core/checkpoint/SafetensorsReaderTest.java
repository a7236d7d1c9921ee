package dev.persona4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
  private static final Path LLAMA = Fixtures.model("llama").resolve("model.safetensors");
  private static final Path QWEN2_BF16 = Fixtures.model("qwen2-bf16").resolve("model.safetensors");
  private static final String Q = "model.layers.0.self_attn.q_proj.weight";

  @TempDir Path tmp;

  private static void assertNames(CheckpointException e, Path file, String location) {
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    if (location != null) {
      assertEquals(location, e.location().orElse(null), e.getMessage());
      assertTrue(e.getMessage().contains(location), e.getMessage());
    }
  }

  @Test
  void readsHeaderTensorsAndMetadata() {
    SafetensorsReader r = SafetensorsReader.open(LLAMA);
    assertEquals(Map.of("format", "pt"), r.metadata());
    TensorInfo q = r.info(Q);
    assertEquals(DType.F32, q.dtype());
    assertArrayEquals(new long[] {64, 64}, q.shape());
    assertTrue(r.names().contains("lm_head.weight"));
    float[] values = r.floats(Q);
    assertEquals(64 * 64, values.length);
    // the float buffer views the same bytes: compare with a plain read of the file
    byte[] data = SafetensorsFiles.data(LLAMA);
    float first = ByteBuffer.wrap(data, (int) q.begin(), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    assertEquals(first, values[0]);
  }

  @Test
  void readsARangeOfElementsWithoutMappingF32AndBf16() {
    for (Path file : new Path[] {LLAMA, QWEN2_BF16}) {
      SafetensorsReader r = SafetensorsReader.open(file);
      String name = file == LLAMA ? Q : "model.norm.weight";
      float[] all = r.floats(name);
      int from = 3;
      int n = all.length - 5;
      ByteBuffer dst = ByteBuffer.allocateDirect(4 * (n + 2)).order(ByteOrder.nativeOrder());
      dst.position(4); // reads land at the destination's position
      dst.limit(4 * (n + 1));
      r.readFloats(name, from, dst);
      assertEquals(4 * (n + 1), dst.position(), file.toString());
      float[] got = new float[n];
      dst.duplicate().clear().position(4).slice().order(ByteOrder.nativeOrder()).asFloatBuffer().get(got);
      assertArrayEquals(Arrays.copyOfRange(all, from, from + n), got, file.toString());
      ByteBuffer tooFar = ByteBuffer.allocateDirect(4 * 8).order(ByteOrder.nativeOrder());
      CheckpointException e = assertThrows(CheckpointException.class, () -> r.readFloats(name, all.length - 4, tooFar));
      assertNames(e, file, name);
    }
  }

  @Test
  void widensBf16BitExactly() {
    SafetensorsReader r = SafetensorsReader.open(QWEN2_BF16);
    TensorInfo t = r.info("model.norm.weight");
    assertEquals(DType.BF16, t.dtype());
    float[] widened = r.floats("model.norm.weight");
    byte[] data = SafetensorsFiles.data(QWEN2_BF16);
    ByteBuffer raw = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < widened.length; i++) {
      int bits = raw.getShort((int) t.begin() + 2 * i) & 0xffff;
      assertEquals(bits << 16, Float.floatToRawIntBits(widened[i]));
    }
  }

  @Test
  void widensF16IncludingSubnormalsAndSpecials() {
    short[] halves = {0x3c00, (short) 0xc000, 0x0001, 0x03ff, 0x7bff, 0x7c00, (short) 0xfc00, 0x0000, (short) 0x8000};
    float[] expected = {1f, -2f, 0x1p-24f, 1023 * 0x1p-24f, 65504f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f};
    ByteBuffer data = ByteBuffer.allocate(halves.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short h : halves) {
      data.putShort(h);
    }
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + halves.length + "],\"data_offsets\":[0," + halves.length * 2 + "]}}";
    Path f = tmp.resolve("f16.safetensors");
    SafetensorsFiles.write(f, header.getBytes(StandardCharsets.UTF_8), data.array());
    float[] actual = SafetensorsReader.open(f).floats("h");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "half " + i);
    }
    Path nan = tmp.resolve("nan.safetensors");
    SafetensorsFiles.write(nan, "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}".getBytes(StandardCharsets.UTF_8), new byte[] {0x01, 0x7e});
    assertTrue(Float.isNaN(SafetensorsReader.open(nan).floats("h")[0]));
  }

  @Test
  void writerRoundTripsF32I64AndMetadata() {
    Path f = tmp.resolve("w.safetensors");
    float[] w = {1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, -0f};
    long[] ids = {0, -1, Long.MAX_VALUE};
    new SafetensorsWriter().metadata("kind", "probe").putF32("w", new long[] {2, 3}, w).putI64("ids", new long[] {3}, ids).putF32("scalar", new long[0], new float[] {7f}).write(f);
    SafetensorsReader r = SafetensorsReader.open(f);
    assertEquals(Map.of("kind", "probe"), r.metadata());
    assertArrayEquals(w, r.floats("w"));
    assertArrayEquals(new long[] {2, 3}, r.info("w").shape());
    assertArrayEquals(ids, r.longs("ids"));
    assertArrayEquals(new float[] {7f}, r.floats("scalar"));
    assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter().putF32("x", new long[] {2}, new float[3]));
  }

  @Test
  void missingFile() {
    Path f = tmp.resolve("absent.safetensors");
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, null);
  }

  @Test
  void shorterThanTheHeaderLength() throws IOException {
    Path f = tmp.resolve("tiny.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f));
    assertNames(e, f, null);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedData() throws IOException {
    Path f = tmp.resolve("cut.safetensors");
    byte[] all = Files.readAllBytes(LLAMA);
    Files.write(f, Arrays.copyOf(all, all.length / 2));
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f));
    assertNames(e, f, null);
    assertTrue(e.location().orElseThrow().endsWith(".data_offsets"), e.getMessage());
  }

  @Test
  void giantHeaderLength() throws IOException {
    Path f = tmp.resolve("giant.safetensors");
    byte[] all = Files.readAllBytes(LLAMA);
    ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    Files.write(f, all);
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, "header");
    ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -5L);
    Files.write(f, all);
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, "header");
  }

  @Test
  void headerNotJson() {
    Path f = tmp.resolve("garbage.safetensors");
    SafetensorsFiles.write(f, "{\"a\": [1, 2".getBytes(StandardCharsets.UTF_8), new byte[0]);
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f));
    assertNames(e, f, "header");
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    SafetensorsFiles.write(f, "[1]".getBytes(StandardCharsets.UTF_8), new byte[0]);
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, "header");
  }

  @Test
  void overlappingTensors() {
    Path f = tmp.resolve("overlap.safetensors");
    SafetensorsFiles.editHeader(LLAMA, f, h -> {
      ObjectNode q = (ObjectNode) h.get(Q);
      ObjectNode k = (ObjectNode) h.get("model.layers.0.self_attn.k_proj.weight");
      long begin = q.get("data_offsets").get(0).asLong() + 4;
      long len = k.get("data_offsets").get(1).asLong() - k.get("data_offsets").get(0).asLong();
      k.set("data_offsets", h.arrayNode().add(begin).add(begin + len));
    });
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f));
    assertNames(e, f, null);
    assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
  }

  @Test
  void offsetsOutsideTheFile() {
    Path f = tmp.resolve("outside.safetensors");
    SafetensorsFiles.editHeader(LLAMA, f, h -> ((ObjectNode) h.get(Q)).set("data_offsets", h.arrayNode().add(10_000_000L).add(10_000_000L + 64 * 64 * 4)));
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, Q + ".data_offsets");
  }

  @Test
  void dtypeTimesShapeDisagreesWithTheByteLength() {
    Path f = tmp.resolve("shape.safetensors");
    SafetensorsFiles.editHeader(LLAMA, f, h -> ((ArrayNode) h.get(Q).get("shape")).set(0, 65));
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f));
    assertNames(e, f, Q);
    assertTrue(e.getMessage().contains("needs"), e.getMessage());
  }

  @Test
  void unknownDtypeAndBadShape() {
    Path f = tmp.resolve("dtype.safetensors");
    SafetensorsFiles.editHeader(LLAMA, f, h -> ((ObjectNode) h.get(Q)).put("dtype", "F31"));
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, Q + ".dtype");
    SafetensorsFiles.editHeader(LLAMA, f, h -> ((ArrayNode) h.get(Q).get("shape")).set(0, -64));
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, Q + ".shape");
    SafetensorsFiles.editHeader(LLAMA, f, h -> ((ArrayNode) h.get(Q).get("shape")).set(0, Long.MAX_VALUE));
    assertNames(assertThrows(CheckpointException.class, () -> SafetensorsReader.open(f)), f, Q + ".shape");
  }

  @Test
  void readingAsTheWrongKindNamesTheTensor() {
    SafetensorsReader r = SafetensorsReader.open(Fixtures.model("llama").resolve("expected.safetensors"));
    assertNames(assertThrows(CheckpointException.class, () -> r.floats("p0.input_ids")), r.file(), "p0.input_ids");
    assertNames(assertThrows(CheckpointException.class, () -> r.longs("p0.logits")), r.file(), "p0.logits");
    assertNames(assertThrows(CheckpointException.class, () -> r.info("nope")), r.file(), "nope");
  }

  @Test
  void unalignedFloat32DataIsCopiedNotMisread() {
    ByteBuffer data = ByteBuffer.allocate(2 + 12).order(ByteOrder.LITTLE_ENDIAN);
    data.put((byte) 7).put((byte) 9).putFloat(1.5f).putFloat(-2.25f).putFloat(3e-3f);
    String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[2,14]}}";
    // pad the header so the data section itself starts 8-byte aligned; "w" then starts at an odd offset
    StringBuilder h = new StringBuilder(header);
    while ((h.length() + 8) % 8 != 0) {
      h.append(' ');
    }
    Path f = tmp.resolve("unaligned.safetensors");
    SafetensorsFiles.write(f, h.toString().getBytes(StandardCharsets.UTF_8), data.array());
    SafetensorsReader r = SafetensorsReader.open(f);
    assertArrayEquals(new float[] {1.5f, -2.25f, 3e-3f}, r.floats("w"));
    assertEquals(DType.U8, r.info("pad").dtype());
    assertThrows(CheckpointException.class, () -> r.floats("pad"));
  }
}
