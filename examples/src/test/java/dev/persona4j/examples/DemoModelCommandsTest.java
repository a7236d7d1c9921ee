package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.examples.demo.DriftEvaluation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The main job on the bundled defaults: the demo model, its heads and the example personas. The
 * drift evaluation here is the issue's claim at a small N with fixed seeds: best-of-8 by the
 * in-character head leaves at most a third of the out-of-character replies plain sampling gives.
 */
class DemoModelCommandsTest {
  static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  static String previousHome;

  @BeforeAll
  static void home() {
    previousHome = System.getProperty("persona4j.home");
    System.setProperty("persona4j.home", HOME.toString());
  }

  @AfterAll
  static void restore() {
    if (previousHome == null) {
      System.clearProperty("persona4j.home");
    } else {
      System.setProperty("persona4j.home", previousHome);
    }
  }

  /** Runs a command: its exit code, stdout and stderr. */
  static String[] run(InputStream stdin, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      if (stdin != null) {
        System.setIn(stdin);
      }
      CommandLine cli = Persona4jCli.newCommandLine();
      int exit = cli.execute(args);
      return new String[] {Integer.toString(exit), out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
    }
  }

  @Test
  void replyUsesTheBundledModelAndHeadsAndExplainsTheChoice() {
    String[] result = run(null, "reply", "--persona", "captain", "--seed", "11", "--show-candidates",
        "What do you think of the weather today?");
    assertEquals("0", result[0], result[1]);
    String out = result[1];
    assertTrue(out.startsWith("Mara: "), out);
    assertEquals(8, out.lines().filter(l -> l.matches("^(=>| {2}) #\\d+ .*")).count(), out);
    assertEquals(1, out.lines().filter(l -> l.startsWith("=> #")).count(), out);
    assertTrue(out.contains("in_character="), out);
    assertTrue(out.contains("chosen: #") && out.contains("best-of-n"), out);
  }

  @Test
  void replyWithoutCandidatesPrintsOnlyTheReply() {
    String[] result = run(null, "reply", "--persona", "detective", "--seed", "3", "Any advice for a rainy day?");
    assertEquals("0", result[0], result[1]);
    assertEquals(1, result[1].strip().lines().count(), result[1]);
    assertFalse(result[1].isBlank());
  }

  @Test
  void chatHoldsAConversationUntilQuit() {
    String[] result = run(new ByteArrayInputStream("Hello there!\nWhat's your favourite food?\n/quit\n"
        .getBytes(StandardCharsets.UTF_8)), "chat", "--persona", "gardener", "--seed", "5");
    assertEquals("0", result[0], result[1]);
    long replies = result[1].lines().filter(l -> l.contains("June:")).count();
    assertTrue(replies >= 3, "greeting and two replies: " + result[1]);
  }

  @Test
  void unknownPersonaIsAnErrorNamingTheBundledOnes() {
    String[] result = run(null, "reply", "--persona", "pirate-king", "Hi");
    assertEquals("1", result[0]);
  }

  @Test
  void rejectionSamplingCutsOutOfCharacterRepliesAtLeastThreeFold() throws Exception {
    Path model = HOME.resolve(Workspace.DEMO_MODEL);
    GenerationOptions options = new GenerationOptions();
    options.model = model;
    options.seed = 1L;
    Map<String, Persona> personas = new LinkedHashMap<>();
    for (String id : List.of("captain", "detective", "gardener", "naturalist")) {
      personas.put(id, Workspace.persona(id));
    }
    try (LanguageModel lm = Backends.load(model)) {
      DriftEvaluation.Result result = DriftEvaluation.run(personas, (id, p) -> options.generator(lm, p, id),
          30, 8, 2026, null);
      assertEquals("in_character", result.head(), "best-of-8 ranks by the in-character head");
      System.err.print(result.table());
      assertEquals(120, result.plain().replies());
      assertTrue(result.plain().outOfCharacter() >= 6,
          "the demo model drifts under plain sampling (it was trained to, ~20%): " + result.table());
      assertTrue(result.rejection().rate() <= result.plain().rate() / 3, result.table());
      JsonNode json = new ObjectMapper().readTree(result.json());
      assertEquals(result.plain().rate(), json.at("/overall/plain").asDouble(), 1e-12);
      assertEquals(result.personas().get("captain").rejection().rate(),
          json.at("/personas/captain/rejection").asDouble(), 1e-12);
    }
    // The command writes the same JSON shape.
    Path json = dir.resolve("drift.json");
    String[] result = run(null, "drift-eval", "--n", "2", "--personas", "captain", "--json", json.toString());
    assertEquals("0", result[0], result[1] + result[2]);
    // Not a terminal: the progress bar ends as a line, without carriage returns.
    assertTrue(result[2].contains("drift-eval captain       2/2"), result[2]);
    assertFalse(result[2].contains("\r"), result[2]);
    JsonNode written = new ObjectMapper().readTree(Files.readString(json));
    assertTrue(written.at("/overall/plain").isNumber() && written.at("/personas/captain/rejection").isNumber(),
        written.toString());
  }
}
