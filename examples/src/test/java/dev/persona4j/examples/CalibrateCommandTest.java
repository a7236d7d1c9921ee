package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code persona4j calibrate} on the bundled demo model. */
class CalibrateCommandTest {
  static final Path DEMO = DemoModelCommandsTest.HOME.resolve(Workspace.DEMO_MODEL);

  @TempDir Path dir;

  private final StringWriter stdout = new StringWriter();
  private final StringWriter stderr = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Persona4jCli.newCommandLine();
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));
    return cli.execute(args);
  }

  @Test
  void calibratesABundledPersonaAndWritesHeadsReportAndChart() throws IOException {
    Path out = dir.resolve("calibrated");
    int exit = run("calibrate", "--model", DEMO.toString(), "--persona",
        DemoModelCommandsTest.HOME.resolve("examples/personas/gardener.yaml").toString(), "--budget", "24",
        "--seed", "3", "--out", out.toString());

    assertEquals(0, exit, stderr.toString());
    String printed = stdout.toString();
    assertTrue(printed.contains("in-voice generated  generic   others  neutral"), printed);
    assertTrue(printed.matches("(?s).*chosen layer [1-3]\\n.*"), printed);
    assertTrue(printed.contains("in_character                 attention_head"), printed);
    assertTrue(printed.contains("wrote " + out.resolve("in_character.safetensors")), printed);
    assertTrue(stderr.toString().contains("contrast examples (Juniper Okafor") && stderr.toString().contains("heads"),
        "progress on stderr: " + stderr);
    try (LanguageModel demo = Backends.load(DEMO)) {
      Head head = HeadFiles.load(out.resolve("in_character.safetensors"), demo);
      assertEquals("in_character", head.name());
    }
    assertTrue(Files.size(out.resolve("calibration.json")) > 0);
    BufferedImage chart = ImageIO.read(out.resolve(CalibrateCommand.CHART_FILE).toFile());
    assertEquals(800, chart.getWidth());
  }

  @Test
  void calibratesAGgufFileWithTheProfileOfTheDirectoryItCameFrom() {
    Path gguf = dir.resolve("demo-Q8_0.gguf");
    assertEquals(0, run("quantize", "--model", DEMO.toString(), "--type", "Q8_0", "--out", gguf.toString()), stderr.toString());
    Path out = dir.resolve("gguf-calibrated");
    assertEquals(2, run("calibrate", "--model", gguf.toString(), "--persona", "captain"), "a file needs --out");
    assertTrue(stderr.toString().contains("--out is required when --model is a file"), stderr.toString());
    int exit = run("calibrate", "--model", gguf.toString(), "--profile", DEMO.toString(), "--persona", "captain",
        "--budget", "24", "--seed", "3", "--out", out.toString());
    assertEquals(0, exit, stderr.toString());
    try (LanguageModel model = Backends.load(gguf)) {
      Head head = HeadFiles.load(out.resolve("in_character.safetensors"), model); // bound to the file's model
      assertEquals("in_character", head.name());
    }
  }

  @Test
  void badInputIsOneLineAndExitOne() {
    int exit = run("calibrate", "--model", DEMO.toString(), "--persona", "captain", "--budget", "4",
        "--out", dir.toString());
    assertEquals(1, exit);
    assertTrue(stderr.toString().startsWith("persona4j calibrate: budget = 4: must be >= 16"), stderr.toString());

    stderr.getBuffer().setLength(0);
    exit = run("calibrate", "--model", DEMO.toString(), "--persona", "nobody-at-all", "--out", dir.toString());
    assertEquals(1, exit);
    assertTrue(stderr.toString().contains("persona4j calibrate: persona 'nobody-at-all'"), stderr.toString());
  }
}
