package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
    assertTrue(Files.isRegularFile(calibrated.resolve(CalibrateCommand.HEADS_FILE)), result[1]);
    assertTrue(result[1].contains(calibrated.resolve(CalibrateCommand.HEADS_FILE).toString()), result[1]);
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
    assertTrue(result[1].contains("| arm | out-of-character | mean words | distinct-2 |"), result[1]);
    assertTrue(result[1].contains("| best-of-8 by in_character | "), result[1]);

    JsonNode written = Json.mapper().readTree(Files.readString(json));
    assertEquals("in_character", written.at("/head").asText(), written.toString());
    List<String> heads = new ArrayList<>();
    written.at("/heads").forEach(h -> heads.add(h.asText()));
    // The calibrated heads, and none of the model's own (speaker-* heads are only in its profile).
    assertEquals(List.of("in_character", "in_character-probe", "persona-captain-mara-vell"), heads,
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
    assertEquals("persona4j drift-eval: --heads " + missing + ": no such directory"
        + " (persona4j calibrate --out DIR writes one)", result[2].strip());
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
