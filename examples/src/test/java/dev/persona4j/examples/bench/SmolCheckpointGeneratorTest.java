package dev.persona4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import dev.persona4j.examples.demo.ByteLevelBpe;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark checkpoint generator at a tiny shape: the same code path as the 135M checkpoint. */
class SmolCheckpointGeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CheckpointShape TINY = CheckpointShape.tiny();

  @TempDir static Path shared;
  static Path tiny;

  @BeforeAll
  static void generate() {
    tiny = new SmolCheckpointGenerator(TINY, 42).ensure(shared.resolve("tiny"));
  }

  @Test
  void safetensorsHeaderIsValidAndHoldsEveryLlamaTensorAsF32() throws IOException {
    Path file = tiny.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLength % 8, "header padded to 8 bytes");
    JsonNode header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    // Offsets are contiguous from 0 and end exactly at the end of the file.
    long expectedBegin = 0;
    int tensors = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      assertEquals("F32", e.getValue().get("dtype").asText(), e.getKey());
      assertEquals(expectedBegin, e.getValue().get("data_offsets").get(0).asLong(), e.getKey());
      expectedBegin = e.getValue().get("data_offsets").get(1).asLong();
      tensors++;
    }
    assertEquals(bytes.length - 8 - headerLength, expectedBegin, "data section fully described");
    assertEquals(TINY.weightBytes(), expectedBegin);
    assertEquals(1 + TINY.layers() * 9 + 1, tensors);

    // The project's own reader accepts it, with Hugging Face's names and shapes.
    SafetensorsReader reader = SafetensorsReader.open(file);
    long h = TINY.hiddenSize();
    long kv = (long) TINY.kvHeads() * TINY.headDim();
    assertShape(reader, "model.embed_tokens.weight", TINY.vocabSize(), h);
    assertShape(reader, "model.layers.1.self_attn.q_proj.weight", h, h);
    assertShape(reader, "model.layers.1.self_attn.k_proj.weight", kv, h);
    assertShape(reader, "model.layers.1.self_attn.v_proj.weight", kv, h);
    assertShape(reader, "model.layers.1.self_attn.o_proj.weight", h, h);
    assertShape(reader, "model.layers.0.mlp.gate_proj.weight", TINY.intermediateSize(), h);
    assertShape(reader, "model.layers.0.mlp.up_proj.weight", TINY.intermediateSize(), h);
    assertShape(reader, "model.layers.0.mlp.down_proj.weight", h, TINY.intermediateSize());
    assertShape(reader, "model.layers.0.input_layernorm.weight", h);
    assertShape(reader, "model.layers.0.post_attention_layernorm.weight", h);
    assertShape(reader, "model.norm.weight", h);
    assertFalse(reader.contains("lm_head.weight"), "embeddings are tied");

    // Weights are N(0, 0.02); norms are 1.
    float[] embed = reader.floats("model.embed_tokens.weight");
    double sum = 0;
    double sumSq = 0;
    for (float v : embed) {
      sum += v;
      sumSq += (double) v * v;
    }
    double mean = sum / embed.length;
    double std = Math.sqrt(sumSq / embed.length - mean * mean);
    assertEquals(0.0, mean, 0.001);
    assertEquals(0.02, std, 0.001);
    for (float v : reader.floats("model.norm.weight")) {
      assertEquals(1.0f, v);
    }
  }

  private static void assertShape(SafetensorsReader reader, String name, long... shape) {
    assertEquals("F32", reader.dtype(name), name);
    assertArrayEquals(shape, reader.shape(name), name);
  }

  @Test
  void configDescribesTheShape() throws IOException {
    JsonNode c = JSON.readTree(tiny.resolve("config.json").toFile());
    assertEquals("llama", c.get("model_type").asText());
    assertEquals(TINY.hiddenSize(), c.get("hidden_size").asInt());
    assertEquals(TINY.layers(), c.get("num_hidden_layers").asInt());
    assertEquals(TINY.heads(), c.get("num_attention_heads").asInt());
    assertEquals(TINY.kvHeads(), c.get("num_key_value_heads").asInt());
    assertEquals(TINY.intermediateSize(), c.get("intermediate_size").asInt());
    assertEquals(TINY.vocabSize(), c.get("vocab_size").asInt());
    assertTrue(c.get("tie_word_embeddings").asBoolean());
    assertEquals("float32", c.get("torch_dtype").asText());
    assertEquals(100000.0, c.get("rope_theta").asDouble());
    assertEquals(1e-5, c.get("rms_norm_eps").asDouble());
    assertTrue(Files.isRegularFile(tiny.resolve("generation_config.json")));
  }

  @Test
  void tokenizerLoadsAndRoundTripsText() {
    try (Tokenizer tokenizer = Tokenizer.load(tiny)) {
      assertEquals(TINY.vocabSize(), tokenizer.vocabSize());
      assertEquals("<|endoftext|>", tokenizer.eosToken().orElseThrow());
      for (String text : new String[] {
          "The captain looked at the sea, and the crew waited.",
          "  leading spaces, tabs\tand\nnew lines  ",
          "Ünïcödé, 数字 1234 and an emoji 🙂!",
          "<|im_start|>user\nHello<|im_end|>"}) {
        int[] ids = tokenizer.encode(text, false);
        assertEquals(text, tokenizer.decode(ids, false), "round trip of " + text);
      }
      // Learned merges compress ordinary prose well below one token per byte.
      String prose = "The old captain remembered the storm, and the crew laughed together.";
      assertTrue(tokenizer.encode(prose, false).length < prose.length() / 2,
          "prose should compress; got " + tokenizer.encode(prose, false).length + " tokens");
      assertEquals(1, tokenizer.encode("<|im_end|>", false).length, "special tokens stay whole");
    }
  }

  @Test
  void fullSizeVocabularyHasExactly49152TokensAndValidMerges() throws IOException {
    SmolCheckpointGenerator smol = SmolCheckpointGenerator.smolLm2Shaped();
    Path dir = Files.createDirectories(shared.resolve("smol-tokenizer"));
    smol.writeTokenizer(dir);
    JsonNode model = JSON.readTree(dir.resolve("tokenizer.json").toFile()).get("model");
    Map<String, Integer> vocab = new HashMap<>();
    model.get("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    assertEquals(49152, vocab.size());
    assertEquals(49152, vocab.values().stream().distinct().count(), "ids are distinct");
    for (int b = 0; b < 256; b++) {
      assertTrue(vocab.containsKey(ByteLevelBpe.byteSymbol(b)), "byte symbol of " + b);
    }
    JsonNode merges = model.get("merges");
    assertEquals(49152 - 3 - 256, merges.size());
    for (JsonNode merge : merges) {
      String[] parts = merge.asText().split(" ");
      assertEquals(2, parts.length, merge.asText());
      Integer merged = vocab.get(parts[0] + parts[1]);
      assertTrue(merged != null, "result of " + merge.asText() + " in vocabulary");
      assertTrue(vocab.get(parts[0]) < merged && vocab.get(parts[1]) < merged,
          "parts of " + merge.asText() + " exist before its result");
    }
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      assertEquals(49152, tokenizer.vocabSize());
      String text = "\"Steady as she goes,\" said the captain at 6 o'clock.";
      assertEquals(text, tokenizer.decode(tokenizer.encode(text, false), false));
    }
  }

  @Test
  void ensureReusesACurrentCheckpointAndRegeneratesAStaleOne() throws IOException {
    SmolCheckpointGenerator generator = new SmolCheckpointGenerator(TINY, 42);
    Path dir = shared.resolve("stale");
    generator.ensure(dir);
    assertTrue(generator.isCurrent(dir));
    long written = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
    generator.ensure(dir);
    assertEquals(written, Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis(), "reused");

    assertFalse(new SmolCheckpointGenerator(TINY, 43).isCurrent(dir), "another seed is not current");
    Path stamp = dir.resolve(SmolCheckpointGenerator.STAMP_FILE);
    Files.writeString(stamp, Files.readString(stamp).replace("\"version\" : " + SmolCheckpointGenerator.VERSION,
        "\"version\" : " + (SmolCheckpointGenerator.VERSION - 1)));
    assertFalse(generator.isCurrent(dir), "an older generator version is stale");
    Files.writeString(dir.resolve("model.safetensors"), "truncated");
    generator.ensure(dir);
    assertTrue(generator.isCurrent(dir));
    assertNotEquals(9, Files.size(dir.resolve("model.safetensors")), "regenerated");
    assertEquals(TINY.weightBytes(), BenchCommand.weightBytes(dir));
  }
}
