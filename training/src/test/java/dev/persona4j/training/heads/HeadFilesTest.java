package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadException;
import dev.persona4j.core.heads.HeadFileException;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.PersonaVector;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.InvalidSettingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Head files: what they hold, that they load back only onto their model, and that a corrupt file is
 * a typed error naming the file and the tensor or key. The head is a persona vector built from the
 * llama fixture's real activations (no training needed for file behaviour).
 */
class HeadFilesTest {
  static LanguageModel llama;
  static PersonaVector head;
  static List<CandidateActivations> activations;

  @TempDir Path dir;

  @BeforeAll
  static void build() {
    llama = Backends.load(Fixtures.model("llama"));
    List<LabeledExample> texts = SyntheticPersonaData.texts(40, 5);
    activations = ActivationCollector.builder(llama).taps(2).build().collect(texts);
    List<CandidateActivations> in = new ArrayList<>();
    List<CandidateActivations> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      (texts.get(i).positive() ? in : out).add(activations.get(i));
    }
    head = HeadTrainer.personaVector("mara", 2, in, out, Pooling.MEAN, true);
  }

  @AfterAll
  static void close() {
    llama.close();
  }

  @Test
  void savesWeightsAndAReadableDescriptionBoundToTheModel() throws IOException {
    TrainedHead.Summary summary = new TrainedHead.Summary(HeadKind.PERSONA_VECTOR, 30, 10, 12, 9, 0.1, 0.2, 0.99, 0.97, 0.995,
        0.03, 0.02, 0.5, head.calibration(), 1.25);
    Path weights = HeadFiles.save(dir, head, llama.info(), summary.figures());
    assertEquals(dir.resolve("mara.safetensors"), weights);
    Path description = HeadFiles.description(weights);
    assertEquals(dir.resolve("mara.json"), description);

    ModelInfo info = llama.info();
    Map<String, String> meta = SafetensorsReader.open(weights).metadata();
    assertEquals(HeadFiles.FORMAT, meta.get(HeadFiles.FORMAT_KEY));
    assertEquals("mara", meta.get("head.name"));
    assertEquals("PERSONA_VECTOR", meta.get("head.kind"));
    assertEquals("2", meta.get("head.layers"));
    assertEquals("64", meta.get("head.hidden_size"));
    assertEquals("llama", meta.get("model.architecture"));
    assertEquals("4", meta.get("model.layers"));
    assertEquals("512", meta.get("model.vocab_size"));
    assertEquals(info.configSha256(), meta.get("model.config_sha256"));
    assertEquals("MEAN", meta.get("meta.pooling"));
    assertEquals("true", meta.get("meta.normalised"));

    JsonNode json = Json.mapper().readTree(description.toFile());
    assertEquals("mara", json.at("/head/name").asText());
    assertEquals(2, json.at("/head/layers/0").asInt());
    assertEquals(64, json.at("/head/tensors/direction/0").asInt());
    assertEquals("llama", json.at("/model/architecture").asText());
    assertEquals(info.configSha256(), json.at("/model/config_sha256").asText());
    assertEquals(0.97, json.at("/training/accuracy").asDouble(), 1e-12);
    assertEquals(0.995, json.at("/training/auc").asDouble(), 1e-12);
    assertEquals(0.03, json.at("/training/ece").asDouble(), 1e-12);
    assertEquals(0.02, json.at("/training/brier").asDouble(), 1e-12);
    assertEquals(12, json.at("/training/epochs").asInt());
    assertEquals(40, json.at("/training/examples").asInt());
    assertEquals(1.25, json.at("/training/seconds").asDouble(), 1e-12);

    assertEquals(head.calibration().slope(), json.at("/head/calibration/slope").asDouble(), 1e-12);
    Map<String, String> stored = HeadFiles.metadata(description); // the .json names its weights
    assertEquals(meta, stored);
    assertEquals("0.970000", stored.get("training.accuracy"));
    assertEquals("40", stored.get("training.examples"));
    assertEquals("12", stored.get("training.epochs"));
    assertEquals(head.logit(activations.get(0)), HeadFiles.loadUnbound(description).logit(activations.get(0)));
    Head loaded = HeadFiles.load(weights, llama);
    assertEquals(HeadKind.PERSONA_VECTOR, loaded.kind());
    assertArrayEquals(new int[] {2}, loaded.layers());
    for (CandidateActivations a : activations) {
      assertEquals(head.logit(a), loaded.logit(a));
    }
  }

  @Test
  void aCopyOfTheModelWithAnEditedConfigRefusesTheHead() throws IOException {
    Path weights = HeadFiles.save(dir, head, llama.info());
    Path copy = dir.resolve("llama-edited");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(Fixtures.model("llama"))) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path config = copy.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"rope_theta\": 10000.0", "\"rope_theta\": 20000.0"));
    try (LanguageModel edited = Backends.load(copy)) {
      HeadFileException e = assertThrows(HeadFileException.class, () -> HeadFiles.load(weights, edited));
      assertEquals(1, e.differences().size(), e.getMessage());
      assertTrue(e.differences().get(0).startsWith("config.json SHA-256"), e.getMessage());
      assertTrue(e.getMessage().startsWith("head 'mara' (" + weights + ") was trained on llama with 4 layers / hidden 64"),
          e.getMessage());
      assertTrue(e.getMessage().contains("; this model is llama with 4 layers / hidden 64")
          && e.getMessage().contains(copy.toString()) && e.getMessage().endsWith("config.json SHA-256 ("
          + llama.info().configSha256().substring(0, 12) + "… vs " + edited.info().configSha256().substring(0, 12)
          + "…) differs"), e.getMessage());
    }
    // A model of other sizes: every differing field is named.
    ModelInfo info = llama.info();
    ModelInfo smaller = new ModelInfo("llama", 2, 32, info.heads(), info.kvHeads(), info.headDim(), info.vocabSize(),
        info.contextLength(), info.configSha256(), null);
    HeadFileException e = assertThrows(HeadFileException.class, () -> HeadFiles.load(weights, smaller));
    assertTrue(e.getMessage().contains("layers (4 vs 2), hidden size (64 vs 32) differ"), e.getMessage());
  }

  @Test
  void missingTruncatedAndForeignFilesAreTypedErrorsNamingTheFile() throws IOException {
    Path absent = dir.resolve("absent.safetensors");
    HeadFileException missing = assertThrows(HeadFileException.class, () -> HeadFiles.load(absent, llama));
    assertTrue(missing.getMessage().equals(absent + ": file not found"), missing.getMessage());

    Path weights = HeadFiles.save(dir, head, llama.info());
    Path truncated = dir.resolve("truncated.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 20));
    HeadFileException cut = assertThrows(HeadFileException.class, () -> HeadFiles.load(truncated, llama));
    assertTrue(cut.getMessage().startsWith(truncated + ": ") && cut.getMessage().contains("data_offsets"),
        cut.getMessage());

    Path model = Fixtures.model("llama").resolve("model.safetensors");
    HeadFileException foreign = assertThrows(HeadFileException.class, () -> HeadFiles.loadUnbound(model));
    assertTrue(foreign.getMessage().contains("not a persona4j head file"), foreign.getMessage());
  }

  @Test
  void aMissingOrMisshapenTensorOrKeyIsNamed() {
    Path weights = HeadFiles.save(dir, head, llama.info());

    HeadFileException noDirection = assertThrows(HeadFileException.class,
        () -> HeadFiles.load(rewrite(weights, "a", meta -> {}, tensors -> tensors.remove("direction")), llama));
    assertTrue(noDirection.getMessage().contains("a.safetensors") && noDirection.getMessage().contains("'direction'")
        && noDirection.getMessage().contains("missing"), noDirection.getMessage());

    HeadFileException shape = assertThrows(HeadFileException.class, () -> HeadFiles.load(
        rewrite(weights, "b", meta -> {}, tensors -> tensors.put("direction", new float[10])), llama));
    assertTrue(shape.getMessage().contains("'direction' has shape [10], expected [64]"), shape.getMessage());

    HeadFileException layers = assertThrows(HeadFileException.class, () -> HeadFiles.load(
        rewrite(weights, "c", meta -> meta.put("head.layers", "two"), tensors -> {}), llama));
    assertTrue(layers.getMessage().contains("__metadata__.head.layers") && layers.getMessage().contains("'two'"),
        layers.getMessage());
    assertEquals("__metadata__.head.layers", layers.location().orElseThrow());

    HeadFileException sha = assertThrows(HeadFileException.class, () -> HeadFiles.load(
        rewrite(weights, "d", meta -> meta.remove("model.config_sha256"), tensors -> {}), llama));
    assertTrue(sha.getMessage().contains("__metadata__.model.config_sha256: missing"), sha.getMessage());

    HeadFileException beyond = assertThrows(HeadFileException.class, () -> HeadFiles.load(
        rewrite(weights, "e", meta -> meta.put("head.layers", "9"), tensors -> {}), llama));
    assertTrue(beyond.getMessage().contains("inconsistent") && beyond.getMessage().contains("0..4"), beyond.getMessage());

    HeadFileException kind = assertThrows(HeadFileException.class, () -> HeadFiles.load(
        rewrite(weights, "f", meta -> meta.put("head.kind", "ORACLE"), tensors -> {}), llama));
    assertTrue(kind.getMessage().contains("'ORACLE' is not a head kind"), kind.getMessage());
    assertTrue(kind instanceof HeadException);
  }

  @Test
  void aNameThatIsNotAFileNameOrAHeadOfAnotherSizeIsNotSaved() {
    PersonaVector badName = HeadTrainer.personaVector("../escape", 2, activations.subList(0, 2),
        activations.subList(2, 4), Pooling.MEAN, false);
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> HeadFiles.save(dir, badName, llama.info()));
    assertTrue(e.getMessage().contains("'../escape'"), e.getMessage());
    assertTrue(HeadFiles.isFileSafeName("in-character_v2.1"));

    ModelInfo info = llama.info();
    ModelInfo wider = new ModelInfo("llama", 4, 128, info.heads(), info.kvHeads(), info.headDim(), info.vocabSize(),
        info.contextLength(), info.configSha256(), null);
    InvalidSettingException size = assertThrows(InvalidSettingException.class, () -> HeadFiles.save(dir, head, wider));
    assertTrue(size.getMessage().contains("hidden size"), size.getMessage());
  }

  /** A copy of a head file with its metadata and float tensors edited. */
  private Path rewrite(Path source, String name, Consumer<Map<String, String>> editMeta,
      Consumer<Map<String, float[]>> editTensors) {
    SafetensorsReader reader = SafetensorsReader.open(source);
    Map<String, String> meta = new LinkedHashMap<>(reader.metadata());
    editMeta.accept(meta);
    Map<String, float[]> tensors = new LinkedHashMap<>();
    for (String t : reader.names()) {
      tensors.put(t, reader.floats(t));
    }
    editTensors.accept(tensors);
    SafetensorsWriter writer = new SafetensorsWriter();
    meta.forEach(writer::metadata);
    tensors.forEach((k, v) -> writer.putF32(k, new long[] {v.length}, v));
    Path out = dir.resolve(name + ".safetensors");
    writer.write(out);
    return out;
  }
}
