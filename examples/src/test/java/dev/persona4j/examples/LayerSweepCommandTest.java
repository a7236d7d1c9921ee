package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** {@code persona4j layer-sweep} on the llama reference checkpoint. */
class LayerSweepCommandTest {
  @TempDir Path dir;

  @Test
  void printsTheTableAndWritesJsonAndChart() throws IOException {
    Path data = TrainHeadCommandTest.labelledFile(dir.resolve("data.jsonl"), 80, 4, false);
    Path out = dir.resolve("sweep");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cli = Persona4jCli.newCommandLine();
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));

    int exit = cli.execute("layer-sweep", "--model", TrainHeadCommandTest.LLAMA.toString(), "--data", data.toString(),
        "--positive", "in_character", "--pooling", "last", "--out", out.toString(), "--epochs", "20");

    assertEquals(0, exit, stderr.toString());
    assertFalse(stderr.toString().contains("\r"), "progress off a terminal is lines: " + stderr);
    String printed = stdout.toString();
    assertTrue(printed.contains("sweeping 5 hidden states of llama"), printed);
    assertTrue(printed.contains("layer  accuracy    AUC   Brier  epochs"), printed);
    for (int layer = 0; layer <= 4; layer++) {
      assertTrue(printed.matches("(?s).*\\n\\s+" + layer + "\\s+[01]\\.\\d{4}.*"), "row of layer " + layer + ":\n" + printed);
    }
    assertTrue(printed.contains("best layer "), printed);
    JsonNode json = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
    assertEquals("LAST", json.get("pooling").asText());
    assertEquals(80, json.get("examples").asInt());
    assertEquals(5, json.get("layers").size());
    BufferedImage chart = ImageIO.read(out.resolve("sweep.png").toFile());
    assertEquals(800, chart.getWidth());
    assertTrue(Files.size(out.resolve("sweep.txt")) > 0);
  }

  @Test
  void aMissingDataFileIsAnError() {
    StringWriter stderr = new StringWriter();
    CommandLine cli = Persona4jCli.newCommandLine();
    cli.setErr(new PrintWriter(stderr, true));
    Path absent = dir.resolve("absent.jsonl");
    int exit = cli.execute("layer-sweep", "--model", TrainHeadCommandTest.LLAMA.toString(), "--data", absent.toString(),
        "--out", dir.toString());
    assertEquals(1, exit);
    assertTrue(stderr.toString().contains("persona4j layer-sweep: " + absent + ": file not found"), stderr.toString());
  }
}
