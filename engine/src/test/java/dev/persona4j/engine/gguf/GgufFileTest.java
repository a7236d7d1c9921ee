package dev.persona4j.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import dev.persona4j.tokenizers.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fixture GGUF file read against the Hugging Face checkpoint it was converted from: tensor types as the
 * fixture lists them, the model config, the tokenizer's ids, and every tensor's dequantized values (exactly
 * for F32, exactly the F16 rounding for F16, within each block's quantization step otherwise).
 */
class GgufFileTest {

  @TestFactory
  Stream<DynamicTest> everyFixtureMatchesItsCheckpoint() {
    return GgufFixtures.ggufFiles().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  private static void check(Path path) {
    GgufFile gguf = GgufFile.open(path);
    JsonNode expected = GgufFixtures.expected(path);
    Path hfDir = GgufFixtures.hfModel(GgufFixtures.modelOf(path));
    assertEquals(expected.get("architecture").asText(), gguf.architecture());
    Map<String, String> types = new LinkedHashMap<>();
    gguf.tensors().values().forEach(t -> types.put(t.name(), t.type().name()));
    Map<String, String> expectedTypes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("tensor_types").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      expectedTypes.put(e.getKey(), e.getValue().asText());
    }
    assertEquals(expectedTypes, types);
    assertEquals(GgufFileType.valueOf(expected.get("file_type").asText()), gguf.fileType().orElseThrow());

    ModelConfig hf = ModelConfig.load(hfDir.resolve("config.json"));
    ModelConfig c = gguf.config();
    assertEquals(hf.hiddenSize(), c.hiddenSize());
    assertEquals(hf.intermediateSize(), c.intermediateSize());
    assertEquals(hf.layers(), c.layers());
    assertEquals(hf.heads(), c.heads());
    assertEquals(hf.kvHeads(), c.kvHeads());
    assertEquals(hf.headDim(), c.headDim());
    assertEquals(hf.vocabSize(), c.vocabSize());
    assertEquals(hf.contextLength(), c.contextLength());
    assertEquals((float) hf.normEps(), (float) c.normEps());
    assertEquals(hf.ropeTheta(), c.ropeTheta());
    assertEquals(hf.rotaryDim(), c.rotaryDim());
    assertEquals(hf.tieWordEmbeddings(), c.tieWordEmbeddings());
    assertEquals(hf.attentionBias(), c.attentionBias());
    assertArrayEquals(hf.rotaryInverseFrequencies(), c.rotaryInverseFrequencies());

    try (Tokenizer tokenizer = gguf.tokenizer(); Tokenizer reference = Tokenizer.load(hfDir)) {
      JsonNode check = expected.get("tokenizer_check");
      assertArrayEquals(ints(check.get("hf_token_ids")), tokenizer.encode(check.get("text").asText(),
          check.get("add_special_tokens").asBoolean()));
      for (JsonNode prompt : expected.get("prompts")) {
        assertArrayEquals(ints(prompt.get("input_ids")), tokenizer.encode(prompt.get("text").asText(),
            prompt.get("add_special_tokens").asBoolean()), "prompt " + prompt.get("index"));
      }
      assertEquals(reference.vocabSize(), tokenizer.vocabSize());
      assertEquals(reference.eosTokenIds(), tokenizer.eosTokenIds());
      assertEquals(reference.specialTokenIds(), tokenizer.specialTokenIds());
      assertEquals(reference.chatTemplate(), tokenizer.chatTemplate());
      int[] all = java.util.stream.IntStream.range(0, reference.vocabSize()).toArray();
      assertEquals(reference.decode(all, false), tokenizer.decode(all, false));
    }

    Checkpoint checkpoint = Checkpoint.open(hfDir);
    for (GgufTensor t : gguf.tensors().values()) {
      String hfName = gguf.hfName(t).orElseThrow();
      SafetensorsReader reader = SafetensorsReader.open(checkpoint.fileOf(hfName));
      assertArrayEquals(reader.shape(hfName), t.shape(), t.name());
      float[] want = reader.floats(hfName);
      float[] got = gguf.floats(t);
      float[] steps = QuantSteps.of(t.type(), gguf.rowData(t), want.length);
      for (int i = 0; i < want.length; i++) {
        float w = t.type() == GgufType.F16 ? Half.toFloat(Half.fromFloat(want[i])) : want[i];
        // Q4_0 clamps the far side of its range one full step short, and 8 steps of the fp16 scale's rounding
        // (2^-11 each) add to that
        float tolerance = steps[i] * 1.004f + 1e-7f;
        if (!(Math.abs(got[i] - w) <= tolerance)) {
          throw new AssertionError(t + " value " + i + ": " + got[i] + " vs " + w + " (step " + steps[i] + ")");
        }
      }
    }
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** The per-value quantization step of a tensor read from its own blocks (0 for the float types). */
  static final class QuantSteps {
    static float[] of(GgufType type, ByteBuffer data, int n) {
      float[] steps = new float[n];
      for (int b = 0; b < n / type.blockSize(); b++) {
        int at = b * type.blockBytes();
        int from = b * type.blockSize();
        switch (type) {
          case Q8_0, Q5_0, Q4_0 -> java.util.Arrays.fill(steps, from, from + 32, Math.abs(Half.toFloat(BlockCodecs.u16(data, at))));
          case Q4_K -> {
            float d = Half.toFloat(BlockCodecs.u16(data, at));
            for (int j = 0; j < 8; j++) {
              int s = at + 4;
              int sc = j < 4 ? BlockCodecs.u8(data, s + j) & 63
                  : (BlockCodecs.u8(data, s + j + 4) & 0x0f) | (BlockCodecs.u8(data, s + j - 4) >>> 6) << 4;
              java.util.Arrays.fill(steps, from + 32 * j, from + 32 * j + 32, d * sc);
            }
          }
          case Q6_K -> {
            float d = Half.toFloat(BlockCodecs.u16(data, at + 208));
            for (int j = 0; j < 16; j++) {
              java.util.Arrays.fill(steps, from + 16 * j, from + 16 * j + 16, Math.abs(d * data.get(at + 192 + j)));
            }
          }
          default -> { }
        }
      }
      return steps;
    }
  }
}
