package dev.persona4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path tmp;

  private Path copy(String model) {
    return SafetensorsFiles.copyModel(Fixtures.model(model), tmp.resolve(model));
  }

  /** Splits a single-file checkpoint into two shards plus an index, as save_pretrained does. */
  static void shard(Path dir) throws IOException {
    Path single = dir.resolve(Checkpoint.WEIGHTS);
    SafetensorsReader r = SafetensorsReader.open(single);
    List<String> names = new ArrayList<>(r.names());
    SafetensorsWriter a = new SafetensorsWriter();
    SafetensorsWriter b = new SafetensorsWriter();
    StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      boolean first = i < names.size() / 2;
      (first ? a : b).putF32(n, r.info(n).shape(), r.floats(n));
      index.append(i == 0 ? "" : ",").append('"').append(n).append("\":\"model-0000").append(first ? 1 : 2).append("-of-00002.safetensors\"");
    }
    a.write(dir.resolve("model-00001-of-00002.safetensors"));
    b.write(dir.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(dir.resolve(Checkpoint.WEIGHTS_INDEX), index.append("}}").toString(), StandardCharsets.UTF_8);
    Files.delete(single);
  }

  @Test
  void opensSingleFileAndShardedCheckpointsAlike() throws IOException {
    Checkpoint single = Checkpoint.open(Fixtures.model("qwen2-bf16"));
    Path dir = copy("qwen2-bf16");
    shard(dir);
    Checkpoint sharded = Checkpoint.open(dir);
    assertEquals(single.tensorNames(), sharded.tensorNames());
    for (String n : single.tensorNames()) {
      assertArrayEquals(single.floats(n, single.info(n).shape()), sharded.floats(n, sharded.info(n).shape()), n);
    }
    assertTrue(sharded.fileOf("model.norm.weight").getFileName().toString().startsWith("model-0000"));
    assertEquals(List.of(2), sharded.generationConfig().eosTokenIds());
  }

  @Test
  void missingDirectoryConfigAndWeights() throws IOException {
    Path none = tmp.resolve("nothing-here");
    assertEquals(none, assertThrows(CheckpointException.class, () -> Checkpoint.open(none)).file());
    Path dir = copy("llama");
    Files.delete(dir.resolve("model.safetensors"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    Files.delete(dir.resolve("config.json"));
    e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
    assertEquals(dir.resolve("config.json"), e.file());
  }

  @Test
  void corruptConfigAndGenerationConfig() throws IOException {
    Path dir = copy("llama");
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [1,");
    assertEquals(dir.resolve("generation_config.json"), assertThrows(CheckpointException.class, () -> Checkpoint.open(dir)).file());
    Files.writeString(dir.resolve("config.json"), "not json at all");
    assertEquals(dir.resolve("config.json"), assertThrows(CheckpointException.class, () -> Checkpoint.open(dir)).file());
  }

  @Test
  void indexNamingAMissingShardOrTensor() throws IOException {
    Path dir = copy("llama");
    shard(dir);
    Path index = dir.resolve(Checkpoint.WEIGHTS_INDEX);
    String text = Files.readString(index);
    Files.writeString(index, text.replace("model-00002-of-00002", "model-00003-of-00002"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
    assertTrue(e.file().getFileName().toString().startsWith("model-00003"), e.getMessage());
    Files.writeString(index, text.replace("\"weight_map\":{", "\"weight_map\":{\"model.extra.weight\":\"model-00001-of-00002.safetensors\","));
    e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
    assertEquals("model.extra.weight", e.location().orElseThrow());
    Files.writeString(index, text.replace("model-00001-of-00002.safetensors", "../model-00001-of-00002.safetensors"));
    e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
    assertEquals(index, e.file());
  }

  @Test
  void wrongShapeAndMissingTensorNameFileAndTensor() {
    Checkpoint c = Checkpoint.open(Fixtures.model("llama"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> c.floats("model.norm.weight", 65));
    assertEquals("model.norm.weight", e.location().orElseThrow());
    assertEquals(Fixtures.model("llama").resolve("model.safetensors"), e.file());
    e = assertThrows(CheckpointException.class, () -> c.floats("model.layers.9.mlp.up_proj.weight", 1));
    assertEquals("model.layers.9.mlp.up_proj.weight", e.location().orElseThrow());
  }

  @Test
  void headerEditsSurviveCopy() {
    // sanity of the test helper itself: an unedited copy opens and reads identically
    Path f = tmp.resolve("same.safetensors");
    Path src = Fixtures.model("llama").resolve("model.safetensors");
    SafetensorsFiles.editHeader(src, f, (ObjectNode h) -> {});
    assertArrayEquals(SafetensorsReader.open(src).floats("model.norm.weight"), SafetensorsReader.open(f).floats("model.norm.weight"));
  }
}
