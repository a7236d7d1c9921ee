package dev.persona4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  private static final Path SRC = Path.of("config.json");

  private static ModelConfig fixture(String name) {
    return ModelConfig.load(Fixtures.model(name).resolve("config.json"));
  }

  private static CheckpointException fails(String json) {
    return assertThrows(CheckpointException.class, () -> ModelConfig.parse(json, SRC));
  }

  @Test
  void readsTransformers4Layout() {
    ModelConfig c = fixture("llama");
    assertEquals("llama", c.modelType());
    assertEquals(List.of("LlamaForCausalLM"), c.architectures());
    assertEquals(4, c.layers());
    assertEquals(64, c.hiddenSize());
    assertEquals(4, c.heads());
    assertEquals(2, c.kvHeads());
    assertEquals(16, c.headDim());
    assertEquals(176, c.intermediateSize());
    assertEquals(128, c.contextLength());
    assertEquals(10000.0, c.ropeTheta());
    assertTrue(c.ropeScaling().isEmpty());
    assertFalse(c.tieWordEmbeddings());
    assertEquals(1e-5, c.normEps());
    assertEquals(List.of(1), c.eosTokenIds());
    assertEquals(0, c.bosTokenId().getAsInt());
    assertEquals("float32", c.dtype().orElseThrow());
    assertEquals(64, c.sha256().length());
  }

  @Test
  void readsTransformers5LayoutWithExplicitHeadDim() {
    ModelConfig c = fixture("qwen3");
    assertEquals(1_000_000.0, c.ropeTheta());
    assertEquals(32, c.headDim());
    assertEquals(64, c.hiddenSize());
    assertTrue(c.tieWordEmbeddings());
    assertTrue(c.slidingWindow().isEmpty());
    assertEquals("float32", c.dtype().orElseThrow());
    assertTrue(fixture("qwen2-bf16").attentionBias());
  }

  @Test
  void readsGpt2NamesAndPhi3PartialRotary() {
    ModelConfig g = fixture("gpt2");
    assertEquals(64, g.hiddenSize());
    assertEquals(4, g.layers());
    assertEquals(256, g.intermediateSize());
    assertEquals(128, g.contextLength());
    assertEquals("gelu_new", g.hiddenAct());
    assertTrue(g.tieWordEmbeddings());
    ModelConfig p = fixture("phi3");
    assertEquals(1.0, p.partialRotaryFactor());
    assertEquals(16, p.rotaryDim());
    ModelConfig half = ModelConfig.parse(p.toJson().replace("\"rope_theta\"", "\"partial_rotary_factor\" : 0.5, \"rope_theta\""), SRC);
    assertEquals(8, half.rotaryDim());
  }

  @Test
  void readsLlama3RopeScalingInBothLayouts() {
    String v4 = "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":1,"
        + "\"num_attention_heads\":2,\"max_position_embeddings\":64,\"rope_theta\":500000.0,"
        + "\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192},"
        + "\"eos_token_id\":[3,4]}";
    String v5 = "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":1,"
        + "\"num_attention_heads\":2,\"max_position_embeddings\":64,"
        + "\"rope_parameters\":{\"rope_type\":\"llama3\",\"rope_theta\":500000.0,\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}}";
    for (String json : List.of(v4, v5)) {
      ModelConfig c = ModelConfig.parse(json, SRC);
      assertEquals(500000.0, c.ropeTheta());
      assertEquals(RopeScaling.llama3(8.0, 1.0, 4.0, 8192), c.ropeScaling().orElseThrow());
    }
    assertEquals(List.of(3, 4), ModelConfig.parse(v4, SRC).eosTokenIds());
    // toJson round-trips
    ModelConfig c = ModelConfig.parse(v4, SRC);
    ModelConfig back = ModelConfig.parse(c.toJson(), SRC);
    assertEquals(c.ropeScaling(), back.ropeScaling());
    assertEquals(c.eosTokenIds(), back.eosTokenIds());
    assertEquals(c.headDim(), back.headDim());
    assertEquals(c, back);
  }

  @Test
  void everyFixtureWritesJsonThatReadsBackEqual() {
    for (String name : List.of("llama", "mistral", "qwen2-bf16", "qwen3", "phi3", "gpt2")) {
      ModelConfig c = fixture(name);
      ModelConfig back = ModelConfig.parse(c.toJson(), SRC);
      assertEquals(c, back, name);
      assertEquals(c.hashCode(), back.hashCode(), name);
      assertEquals(c.toJson(), back.toJson(), name);
      assertEquals(c, c.toBuilder().build(), name);
      assertEquals(c.rotaryDim(), back.rotaryDim(), name);
    }
    assertTrue(fixture("gpt2").toJson().contains("\"n_embd\""), "GPT-2 keeps GPT2Config's names");
    assertFalse(fixture("llama").equals(fixture("mistral")));
  }

  @Test
  void builtConfigTakesTheArchitectureDefaultsAndNamesInconsistentFields() {
    ModelConfig q = ModelConfig.builder("qwen2").vocabSize(10).hiddenSize(8).intermediateSize(16).layers(1).heads(2)
        .contextLength(32).slidingWindow(4).build();
    assertEquals(1_000_000.0, q.ropeTheta());
    assertTrue(q.attentionBias());
    assertEquals(4, q.slidingWindow().getAsInt());
    assertEquals(4, ModelConfig.parse(q.toJson(), SRC).slidingWindow().getAsInt(), "use_sliding_window is written");
    assertEquals("float32", q.dtype().orElseThrow());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.toBuilder().kvHeads(3).build());
    assertTrue(e.getMessage().startsWith("num_key_value_heads: 3 does not divide"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder("llama").vocabSize(10).build());
    assertEquals("hidden_size: missing (required)", e.getMessage());
  }

  @Test
  void gpt2FieldsAreNamedAsTheFileNamesThem() {
    String gpt2 = fixture("gpt2").toJson();
    CheckpointException e = fails(gpt2.replaceFirst("\"n_head\" : \\d+", "\"n_head\" : 0"));
    assertEquals("n_head", e.location().orElseThrow(), e.getMessage());
    assertEquals("n_embd", fails(gpt2.replaceFirst("\"n_embd\" : \\d+", "\"n_embd\" : \"wide\"")).location().orElseThrow());
  }

  @Test
  void transformers5RopeParametersAreNamedAsSuch() {
    String v5 = "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":1,"
        + "\"num_attention_heads\":2,\"max_position_embeddings\":64,\"rope_parameters\":{\"rope_type\":\"linear\",\"rope_theta\":1000.0}}";
    assertEquals("rope_parameters.factor", fails(v5).location().orElseThrow());
    assertEquals(1000.0, ModelConfig.parse(v5.replace("\"linear\"", "\"default\""), SRC).ropeTheta());
    assertEquals("num_hidden_layers", fails(v5.replace("\"num_hidden_layers\":1", "\"num_hidden_layers\":1.5")).location().orElseThrow());
    assertEquals(1, ModelConfig.parse(v5.replace("\"num_hidden_layers\":1", "\"num_hidden_layers\":1.0").replace("\"linear\"", "\"default\""), SRC).layers());
  }

  @Test
  void missingRequiredFieldNamesFileAndField() {
    CheckpointException e = fails("{\"model_type\":\"llama\",\"vocab_size\":10,\"intermediate_size\":16,\"num_hidden_layers\":1,\"num_attention_heads\":2,\"max_position_embeddings\":64}");
    assertEquals(SRC, e.file());
    assertEquals("hidden_size", e.location().orElseThrow());
    assertTrue(e.getMessage().contains("config.json: hidden_size: missing"), e.getMessage());
    assertEquals("model_type", fails("{\"vocab_size\":10}").location().orElseThrow());
  }

  @Test
  void wrongTypesAndInconsistentSizes() {
    String base = "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":%s,\"num_attention_heads\":%s,\"num_key_value_heads\":%s,\"max_position_embeddings\":64}";
    assertEquals("num_hidden_layers", fails(String.format(base, "\"four\"", 2, 2)).location().orElseThrow());
    assertEquals("num_hidden_layers", fails(String.format(base, -1, 2, 2)).location().orElseThrow());
    assertTrue(fails(String.format(base, 1, 2, 3)).getMessage().contains("num_key_value_heads"));
    assertTrue(fails(String.format(base, 1, 3, 3)).getMessage().contains("does not divide hidden_size"));
    assertEquals("rope_scaling.factor", fails(String.format(base, 1, 2, 2).replace("}", ",\"rope_scaling\":{\"type\":\"linear\"}}")).location().orElseThrow());
  }

  @Test
  void invalidJsonNamesLineAndColumn() {
    CheckpointException e = fails("{\n  \"model_type\": \"llama\",\n  oops\n}");
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void generationConfigEosListAndDefaults(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    ModelConfig c = fixture("phi3");
    GenerationConfig fromFile = GenerationConfig.load(Fixtures.model("phi3").resolve("generation_config.json"), c);
    assertEquals(List.of(7), fromFile.eosTokenIds());
    assertEquals(0, fromFile.padTokenId().getAsInt());
    Path g = tmp.resolve("generation_config.json");
    java.nio.file.Files.writeString(g, "{\"eos_token_id\": [7, 9], \"temperature\": 0.6, \"top_p\": 0.9, \"do_sample\": true}");
    GenerationConfig list = GenerationConfig.load(g, c);
    assertEquals(List.of(7, 9), list.eosTokenIds());
    assertEquals(0.6, list.temperature().getAsDouble());
    assertEquals(0, list.bosTokenId().getAsInt()); // from config.json
    GenerationConfig absent = GenerationConfig.load(tmp.resolve("none.json"), c);
    assertEquals(List.of(7), absent.eosTokenIds());
    assertTrue(absent.temperature().isEmpty());
    java.nio.file.Files.writeString(g, "{\"eos_token_id\": \"seven\"}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> GenerationConfig.load(g, c));
    assertEquals("eos_token_id", e.location().orElseThrow());
  }
}
