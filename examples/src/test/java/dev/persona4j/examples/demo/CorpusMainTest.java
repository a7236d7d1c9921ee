package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusMainTest {
  @Test
  void writesCorpusPersonasAndTokenizer(@TempDir Path out) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    CorpusMain.run(out, 7, CorpusFixture.examplePersonasDir(), 1024,
        new PrintStream(log, true, StandardCharsets.UTF_8));
    String report = log.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("examples 30000"), report);
    assertTrue(report.contains("tokens per reply"), report);

    List<String> lines = Files.readAllLines(out.resolve("corpus.jsonl"));
    assertEquals(30_000, lines.size());
    List<String> expected = CorpusFixture.defaultCorpus().examples().stream()
        .map(Corpus::toJson).toList();
    assertEquals(expected, lines);
    try (Stream<Path> personas = Files.list(out.resolve("personas"))) {
      assertEquals(34, personas.count());
    }
    assertEquals(Files.readString(CorpusFixture.examplePersonasDir().resolve("captain.yaml")),
        Files.readString(out.resolve("personas/captain.yaml")));
    assertEquals("persona4j/v1",
        CorpusFixture.parseYaml(out.resolve("personas/gen-01.yaml")).get("schema").asText());
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(out,
        Map.of("truncation", "false"))) {
      String reply = CorpusFixture.defaultCorpus().examples().get(0).reply();
      assertEquals(reply, hf.decode(hf.encode(reply, false, false).getIds(), false));
    }
  }

  @Test
  void missingPersonaFileIsReportedByName(@TempDir Path out, @TempDir Path emptyPersonas) {
    CorpusException e = assertThrows(CorpusException.class, () -> CorpusMain.run(out, 7,
        emptyPersonas, 600, new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("captain.yaml"), e.getMessage());
  }
}
