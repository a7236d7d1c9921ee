package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.heads.HeadKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code persona4j train-head} on the llama reference checkpoint and small labelled files. */
class TrainHeadCommandTest {
  static final Path LLAMA = InspectCommandTest.MODELS.resolve("llama");

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cli = Persona4jCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /**
   * {@code n} lines whose classes use disjoint letters (a-m in character, n-z not), so the model's
   * activations carry the label; string labels, an extra field, and prompt/reply pairs if asked.
   */
  static Path labelledFile(Path file, int n, long seed, boolean replies) throws IOException {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean positive = i % 2 == 0;
      String words = words(random, positive ? "abcdefghijklm" : "nopqrstuvwxyz");
      String label = positive ? "in_character" : "out_of_character";
      lines.add(replies
          ? "{\"prompt\": \"<s>[INST] " + words(random, "abcdefghijklmnopqrstuvwxyz") + " [/INST]\", \"reply\": \" "
              + words + "\", \"label\": \"" + label + "\", \"persona\": \"test\"}"
          : "{\"text\": \"" + words + "\", \"label\": \"" + label + "\", \"persona\": \"test\"}");
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  static String words(Random random, String letters) {
    StringBuilder sb = new StringBuilder();
    int count = 3 + random.nextInt(4);
    for (int w = 0; w < count; w++) {
      sb.append(w == 0 ? "" : " ");
      for (int c = 0, length = 2 + random.nextInt(4); c < length; c++) {
        sb.append(letters.charAt(random.nextInt(letters.length())));
      }
    }
    return sb.toString();
  }

  @Test
  void trainsALinearProbeAtTheMiddleLayerAndWritesItsFiles() throws IOException {
    Path data = labelledFile(dir.resolve("in_character.jsonl"), 120, 1, false);
    Path heads = dir.resolve("heads");

    int exit = run("train-head", "--model", LLAMA.toString(), "--data", data.toString(), "--positive", "in_character",
        "--negative", "out_of_character", "--out", heads.toString(), "--epochs", "40", "--seed", "3");

    assertEquals(0, exit, err.toString());
    assertTrue(err.toString().contains("collecting activations [########################] 120/120 examples"),
        err.toString());
    assertTrue(err.toString().contains("in_character-linear ["), err.toString());
    // Not a terminal: the bars are milestone lines, never redrawn with a carriage return.
    assertFalse(err.toString().contains("\r"), err.toString());
    String printed = out.toString();
    assertTrue(printed.contains("linear probe 'in_character-linear' over layers [2] (MEAN)"), printed);
    assertTrue(printed.contains("120 examples (60 positive)"), printed);
    assertTrue(printed.contains("validation: accuracy") && printed.contains("AUC") && printed.contains("ECE")
        && printed.contains("Brier"), printed);
    Path weights = heads.resolve("in_character-linear.safetensors");
    assertTrue(printed.contains("wrote " + weights), printed);
    assertTrue(Files.isRegularFile(heads.resolve("in_character-linear.json")));
    FileModes.assertOrdinaryMode(weights, heads.resolve("in_character-linear.json"));

    Head head = HeadFiles.loadUnbound(weights);
    assertEquals(HeadKind.LINEAR_PROBE, head.kind());
    assertArrayEquals(new int[] {2}, head.layers());
    Map<String, String> stored = HeadFiles.metadata(weights);
    assertEquals("llama", stored.get("model.architecture"));
    assertTrue(Double.parseDouble(stored.get("training.accuracy")) > 0.9, stored.toString());
    assertEquals("120", stored.get("training.examples"));
  }

  @Test
  void trainsAnAttentionHeadOverTwoLayersOfReplies() throws IOException {
    Path data = labelledFile(dir.resolve("replies.jsonl"), 80, 2, true);

    int exit = run("train-head", "--model", LLAMA.toString(), "--data", data.toString(), "--kind", "attention",
        "--layer", "1", "--layer", "3", "--positive", "in_character", "--pooling", "last", "--out", dir.toString(),
        "--epochs", "15");

    assertEquals(0, exit, err.toString());
    assertTrue(err.toString().contains("note: --pooling applies to linear probes"), err.toString());
    Path weights = dir.resolve("replies-attention.safetensors");
    Head head = HeadFiles.loadUnbound(weights);
    assertEquals(HeadKind.ATTENTION_HEAD, head.kind());
    assertArrayEquals(new int[] {1, 3}, head.layers());
    String epochs = HeadFiles.metadata(weights).get("training.epochs");
    assertTrue(Integer.parseInt(epochs) <= 15, epochs);
  }

  @Test
  void aBadLineFailsWithItsLineNumberAndWritesNothing() throws IOException {
    Path data = dir.resolve("bad.jsonl");
    Files.writeString(data, "{\"text\": \"a\", \"label\": true}\n{\"text\": \"b\", \"label\": false}\n"
        + "{\"text\": \"c\", \"label\": \"maybe\"}\n");

    int exit = run("train-head", "--model", LLAMA.toString(), "--data", data.toString(), "--out", dir.toString());

    assertEquals(1, exit);
    assertTrue(err.toString().contains("persona4j train-head: " + data + " line 3: unknown 'label' \"maybe\""),
        err.toString());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(data), files.toList());
    }
  }

  @Test
  void aSingleClassAndALayerOutsideTheModelAreRefused() throws IOException {
    Path one = dir.resolve("one.jsonl");
    Files.writeString(one, "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 1}\n");
    assertEquals(1, run("train-head", "--model", LLAMA.toString(), "--data", one.toString(), "--out", dir.toString()));
    assertTrue(err.toString().contains("all 2 labels are positive"), err.toString());

    Path data = labelledFile(dir.resolve("ok.jsonl"), 20, 3, false);
    assertEquals(1, run("train-head", "--model", LLAMA.toString(), "--data", data.toString(), "--positive",
        "in_character", "--layer", "9", "--out", dir.toString()));
    assertTrue(err.toString().contains("layer = 9: out of range: llama has 4 layers, so hidden-state indices run 0..4"),
        err.toString());
    assertFalse(Files.exists(dir.resolve("ok-linear.safetensors")));

    assertEquals(1, run("train-head", "--model", LLAMA.toString(), "--data", data.toString(), "--name", "../x"));
    assertTrue(err.toString().contains("--name = '../x'"), err.toString());
  }

  @Test
  void defaultNamesAreFileSafe() {
    assertEquals("in_character-linear", TrainHeadCommand.defaultName(Path.of("in_character.jsonl"),
        TrainHeadCommand.Kind.LINEAR));
    assertEquals("my-data-attention", TrainHeadCommand.defaultName(Path.of("my data.jsonl"),
        TrainHeadCommand.Kind.ATTENTION));
    assertEquals("head-x-linear", TrainHeadCommand.defaultName(Path.of("-x.jsonl"), TrainHeadCommand.Kind.LINEAR));
    assertTrue(HeadFiles.isFileSafeName(TrainHeadCommand.defaultName(Path.of("é".repeat(300) + ".jsonl"),
        TrainHeadCommand.Kind.LINEAR)));
  }
}
