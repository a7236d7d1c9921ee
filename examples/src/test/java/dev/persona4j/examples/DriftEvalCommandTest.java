package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code persona4j drift-eval --heads DIR} on the demo model with heads from a quick {@code calibrate}
 * (budget 16, one persona): the calibrated heads replace the model's own, and each arm reports its
 * rate, mean reply length and distinct-2.
 */
class DriftEvalCommandTest {
  static final Path DEMO = DemoModelCommandsTest.HOME.resolve(Workspace.DEMO_MODEL);

  @TempDir static Path shared;
  @TempDir Path dir;

  static Path calibrated;

  @BeforeAll
  static void calibrate() {
    DemoModelCommandsTest.home();
    calibrated = shared.resolve("calibrated");
    String[] result = DemoModelCommandsTest.run(null, "calibrate", "--model", DEMO.toString(), "--persona", "captain",
        "--budget", "16", "--seed", "1", "--out", calibrated.toString());
    assertEquals("0", result[0], result[1] + result[2]);
    assertTrue(Files.isRegularFile(calibrated.resolve(ModelProfile.HEADS_FILE)), result[1]);
    assertTrue(result[1].contains(calibrated.resolve(ModelProfile.HEADS_FILE).toString()), result[1]);
  }

  @AfterAll
  static void restore() {
    DemoModelCommandsTest.restore();
  }

  @Test
  void evaluatesWithTheCalibratedHeadsOnlyAndReportsLengthAndDistinct2PerArm() throws IOException {
    Path json = dir.resolve("drift.json");
    String[] result = DemoModelCommandsTest.run(null, "drift-eval", "--model", DEMO.toString(), "--heads",
        calibrated.toString(), "--n", "3", "--personas", "captain", "--json", json.toString());
    assertEquals("0", result[0], result[1] + result[2]);
    assertTrue(result[1].contains("| arm | out-of-character | reduction | mean words | distinct-2 |"), result[1]);
    assertTrue(result[1].contains("| best-of-8 by in_character | "), result[1]);

    JsonNode written = Json.mapper().readTree(Files.readString(json));
    assertEquals("in_character", written.at("/head").asText(), written.toString());
    List<String> heads = new ArrayList<>();
    written.at("/heads").forEach(h -> heads.add(h.asText()));
    // The calibrated heads, and none of the model's own (speaker-* heads are only in its profile).
    assertEquals(List.of("in_character", "in_character-probe", "persona-captain-mara-vell", "persona-captain-mara-vell-cap0",
        "persona-captain-mara-vell-cap1", "persona-captain-mara-vell-cap2", "persona-captain-mara-vell-cap3"), heads,
        written.toString());
    for (String arm : List.of("plain", "rejection")) {
      JsonNode a = written.at("/arms/" + arm);
      assertEquals(3, a.at("/replies").asInt(), written.toString());
      assertTrue(a.at("/meanWords").asDouble() > 1, written.toString());
      double distinct2 = a.at("/distinct2").asDouble();
      assertTrue(distinct2 > 0 && distinct2 <= 1, written.toString());
    }
    assertEquals(written.at("/overall/plain").asDouble(), written.at("/arms/plain/rate").asDouble(), 1e-12);
  }

  @Test
  void capAddsCappingAloneAndWithBestOfNOnTheSameMessages() throws IOException {
    Path json = dir.resolve("capped.json");
    Path samples = dir.resolve("samples.jsonl");
    String[] result = DemoModelCommandsTest.run(null, "drift-eval", "--model", DEMO.toString(), "--heads",
        calibrated.toString(), "--cap", "--n", "3", "--personas", "captain", "--json", json.toString(), "--samples",
        samples.toString());
    assertEquals("0", result[0], result[1] + result[2]);
    assertTrue(result[1].contains("| capping + best-of-8 |"), result[1]);
    JsonNode written = Json.mapper().readTree(Files.readString(json));
    for (String arm : List.of("plain", "rejection", "capping", "capping_rejection")) {
      assertEquals(3, written.at("/arms/" + arm + "/replies").asInt(), arm + ": " + written);
    }
    // One cap per decoder layer, each along its own direction, held for the reply's first positions.
    assertTrue(written.at("/caps/captain").asText().startsWith("[Cap[persona-captain-mara-vell-cap0 at [0] >= ")
        && written.at("/caps/captain").asText().contains("Cap[persona-captain-mara-vell-cap3 at [3] >= ")
        && written.at("/caps/captain").asText().contains("first 2 positions"), written.toString());
    // The same messages in every arm; capping changes what the model says for at least one of them.
    List<String> lines = Files.readAllLines(samples);
    assertEquals(3, lines.size());
    boolean changed = false;
    for (String line : lines) {
      JsonNode sample = Json.mapper().readTree(line);
      changed |= !sample.get("plain").asText().equals(sample.get("capping").asText());
    }
    assertTrue(changed, String.join("\n", lines));
  }

  @Test
  void headsCalibratedIntoTheModelDirectoryAreUsedWithoutFlags() throws IOException {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    try (var files = Files.list(DEMO)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, model.resolve(f.getFileName()));
      }
    }
    String[] calibrate = DemoModelCommandsTest.run(null, "calibrate", "--model", model.toString(), "--persona",
        "captain", "--budget", "16", "--seed", "1");
    assertEquals("0", calibrate[0], calibrate[1] + calibrate[2]);
    assertTrue(Files.isRegularFile(model.resolve(ModelProfile.CALIBRATED_DIR).resolve(ModelProfile.HEADS_FILE)));
    Path json = dir.resolve("auto.json");
    String[] result = DemoModelCommandsTest.run(null, "drift-eval", "--model", model.toString(), "--n", "1",
        "--personas", "captain", "--json", json.toString());
    assertEquals("0", result[0], result[1] + result[2]);
    JsonNode written = Json.mapper().readTree(Files.readString(json));
    List<String> heads = new ArrayList<>();
    written.at("/heads").forEach(h -> heads.add(h.asText()));
    assertEquals(List.of("in_character", "in_character-probe", "persona-captain-mara-vell", "persona-captain-mara-vell-cap0",
        "persona-captain-mara-vell-cap1", "persona-captain-mara-vell-cap2", "persona-captain-mara-vell-cap3"), heads,
        written.toString());
    // --cap for a persona that was not calibrated: one line naming the persona and the file.
    String[] uncalibrated = DemoModelCommandsTest.run(null, "reply", "--model", model.toString(), "--persona",
        "gardener", "--cap", "Hello");
    assertEquals("1", uncalibrated[0], uncalibrated[1] + uncalibrated[2]);
    assertTrue(uncalibrated[2].contains("no activation cap for persona") && uncalibrated[2].contains(ModelProfile.HEADS_FILE)
        && uncalibrated[2].strip().lines().count() == 1, uncalibrated[2]);
  }

  /** A persona in the captain's voice that the demo model never saw: its name, ship and texts are new. */
  static final Path UNSEEN = Path.of("src/test/resources/personas/harbourmaster.yaml").toAbsolutePath();

  @Test
  void aPersonaTheModelNeverSawCalibratesAndEvaluatesTheSameWay() throws IOException {
    Path heads = dir.resolve("unseen-heads");
    String[] calibrate = DemoModelCommandsTest.run(null, "calibrate", "--model", DEMO.toString(), "--persona",
        UNSEEN.toString(), "--budget", "16", "--seed", "2", "--out", heads.toString());
    assertEquals("0", calibrate[0], calibrate[1] + calibrate[2]);
    assertTrue(calibrate[1].contains("cap Harbourmaster Ines Rook"), calibrate[1]);
    Path json = dir.resolve("unseen.json");
    String[] result = DemoModelCommandsTest.run(null, "drift-eval", "--model", DEMO.toString(), "--heads",
        heads.toString(), "--cap", "--n", "2", "--personas", "captain=" + UNSEEN, "--json", json.toString());
    assertEquals("0", result[0], result[1] + result[2]);
    JsonNode written = Json.mapper().readTree(Files.readString(json));
    assertEquals(2, written.at("/personas/captain/replies").asInt(), written.toString());
    assertTrue(written.at("/caps/captain").asText().contains("persona-harbourmaster-ines-rook"), written.toString());

    String[] unknownVoice = DemoModelCommandsTest.run(null, "drift-eval", "--personas", "pirate=" + UNSEEN, "--n", "1");
    assertEquals("1", unknownVoice[0]);
    assertTrue(unknownVoice[2].contains("'pirate' is not a voice the drift detector knows"), unknownVoice[2]);
  }

  @Test
  void calibratingAModelWithoutATokenizerIsOneLineNamingTheFile() throws IOException {
    Path model = dir.resolve("no-tokenizer");
    Files.createDirectories(model);
    for (String f : List.of("config.json", "generation_config.json", "model.safetensors")) {
      Files.copy(DEMO.resolve(f), model.resolve(f));
    }
    String[] result = DemoModelCommandsTest.run(null, "calibrate", "--model", model.toString(), "--persona", "captain",
        "--budget", "16");
    assertEquals("1", result[0], result[1] + result[2]);
    String error = result[2].strip();
    assertTrue(error.startsWith("persona4j calibrate: ") && error.contains("tokenizer") && !error.contains("\n"),
        error);
    assertFalse(Files.exists(model.resolve(ModelProfile.CALIBRATED_DIR)), "nothing written");
  }

  @Test
  void noRejectionRunsThePlainArmOnly() throws IOException {
    Path json = dir.resolve("plain.json");
    String[] result = DemoModelCommandsTest.run(null, "drift-eval", "--heads", calibrated.toString(),
        "--no-rejection", "--n", "2", "--personas", "captain", "--json", json.toString());
    assertEquals("0", result[0], result[1] + result[2]);
    assertFalse(result[1].contains("best-of"), result[1]);
    JsonNode written = Json.mapper().readTree(Files.readString(json));
    assertEquals(2, written.at("/arms/plain/replies").asInt(), written.toString());
    assertTrue(written.at("/arms/rejection").isMissingNode(), written.toString());
  }

  @Test
  void aMissingHeadsDirectoryIsOneLineAndExitOne() {
    Path missing = dir.resolve("nowhere");
    String[] result = DemoModelCommandsTest.run(null, "drift-eval", "--heads", missing.toString(), "--n", "1");
    assertEquals("1", result[0], result[1] + result[2]);
    assertEquals("persona4j drift-eval: " + missing + ": no such heads directory"
        + " (persona4j calibrate writes one)", result[2].strip());
  }

  @Test
  void headsOfAnotherModelAreOneLineAndExitOne() {
    Optional<Path> reference = TemplateCommandTest.sharedReference();
    Assumptions.assumeTrue(reference.isPresent(), "SKIPPED: ../shared/fixtures/hf-reference is absent");
    Path llama = reference.get().resolve("models/llama");
    String[] result = DemoModelCommandsTest.run(null, "drift-eval", "--model", llama.toString(), "--heads",
        calibrated.toString(), "--n", "1", "--personas", "captain");
    assertEquals("1", result[0], result[1] + result[2]);
    String error = result[2].strip();
    assertTrue(error.startsWith("persona4j drift-eval: ") && error.contains(calibrated.toString())
        && !error.contains("\n"), error);
  }
}
