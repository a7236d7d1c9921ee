package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerSweepsTest {
  @Test
  void sweepsEveryHiddenStateOfTheModelAndWritesTableAndJson(@TempDir Path dir) throws IOException {
    LabeledDataset data = LabeledDataset.of(SyntheticPersonaData.texts(120, 9));
    LayerSweep result;
    try (LanguageModel qwen3 = Backends.load(Fixtures.model("qwen3"))) {
      result = LayerSweep.run(qwen3, data, Pooling.MEAN, TrainingOptions.builder().seed(3).maxEpochs(40).build());
      assertEquals(qwen3.info().layers() + 1, result.scores().size());
    }
    for (int i = 0; i < result.scores().size(); i++) {
      assertEquals(i, result.scores().get(i).layer());
    }
    // The classes differ in every token, so some layer separates them well.
    assertTrue(result.best().heldOutAccuracy() > 0.9, result.toTable());

    Path out = dir.resolve("sweep");
    assertEquals(out, result.write(out));
    assertEquals(result.toTable(), Files.readString(out.resolve(LayerSweep.TABLE_FILE)));
    JsonNode json = Json.mapper().readTree(out.resolve(LayerSweep.JSON_FILE).toFile());
    assertEquals(120, json.get("examples").asInt());
    assertEquals(result.scores().size(), json.get("layers").size());
    assertEquals(result.best().layer(), json.get("best_layer").asInt());
  }
}
