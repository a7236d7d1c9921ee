package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code persona4j batch} on a local Spark session: personas × messages into a chat-format dataset. */
class BatchCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void home() {
    DemoModelCommandsTest.home();
  }

  @AfterAll
  static void restore() {
    DemoModelCommandsTest.restore();
  }

  static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(Json.mapper().readTree(line));
    }
    return out;
  }

  @Test
  void personasTimesMessagesBecomeADatasetAndAnUnknownPersonaAnErrorRow() throws Exception {
    Path messages = Files.writeString(dir.resolve("messages.txt"), "Ahoy! How's the sea today?\nAny news from port?\n");
    Path out = dir.resolve("out");
    String[] result = DemoModelCommandsTest.run(null, "batch", "--personas", "captain,pirate-queen", "--messages",
        messages.toString(), "--output", out.toString(), "--master", "local[1]", "--candidates", "2", "--max-tokens", "8",
        "--dataset");
    assertEquals("0", result[0], result[2]);
    assertTrue(result[1].contains("4 rows (2 with errors)"), result[1]);

    List<JsonNode> replies = lines(out.resolve("replies.jsonl"));
    assertEquals(4, replies.size());
    assertEquals(2, replies.stream().filter(r -> r.path("error").asText("").contains("pirate-queen")).count());
    assertTrue(Files.isDirectory(out.resolve("parquet")));

    List<JsonNode> dataset = lines(out.resolve("dataset.jsonl"));
    assertEquals(2, dataset.size());
    for (JsonNode example : dataset) {
      JsonNode m = example.get("messages");
      assertEquals(List.of("system", "user", "assistant"), List.of(m.get(0).get("role").asText(), m.get(1).get("role").asText(),
          m.get(2).get("role").asText()));
      assertEquals("captain", example.get("persona").asText());
      assertEquals(2, example.get("candidates").size());
      JsonNode chosen = null;
      for (JsonNode c : example.get("candidates")) {
        assertTrue(c.get("scores").has("in_character"), c.toString());
        if (c.get("chosen").asBoolean()) {
          chosen = c;
        }
      }
      assertFalse(chosen == null);
      assertEquals(chosen.get("text").asText(), m.get(2).get("content").asText());
      assertEquals("best-of-n", example.get("selection").get("rule").asText());
    }
  }
}
