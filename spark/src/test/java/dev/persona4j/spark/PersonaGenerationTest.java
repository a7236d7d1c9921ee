package dev.persona4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.prompt.Conversation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformation on a real local[2] Spark session over the bundled demo model: replies equal the
 * generator's, bad rows carry their errors, partitioning changes nothing, the model loads once.
 */
class PersonaGenerationTest {
  static final int CANDIDATES = 2;
  static final int MAX_NEW_TOKENS = 12;

  static SparkSession spark;
  static LanguageModel direct;
  static final Map<String, PersonaGenerator> GENERATORS = new HashMap<>();

  @BeforeAll
  static void start() {
    if (!DemoData.present()) {
      System.err.println("SKIPPED PersonaGenerationTest: the demo model is not at " + DemoData.MODEL);
    }
    Assumptions.assumeTrue(DemoData.present(), "the bundled demo model at " + DemoData.MODEL);
    spark = DemoData.session("local[2]");
    direct = Backends.load(DemoData.MODEL);
    for (String name : DemoData.NAMES) {
      GENERATORS.put(name, PersonaGenerator.builder(direct, PersonaFiles.load(DemoData.PERSONAS.resolve(name + ".yaml"))).build());
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (direct != null) {
      direct.close();
    }
  }

  static PersonaGeneration.Builder job() {
    return PersonaGeneration.builder(DemoData.MODEL.toString()).personaDirectory(DemoData.PERSONAS.toString())
        .candidates(CANDIDATES).maxNewTokens(MAX_NEW_TOKENS);
  }

  static Map<Integer, Row> byId(Dataset<Row> result) {
    Map<Integer, Row> rows = new HashMap<>();
    for (Row row : result.collectAsList()) {
      rows.put(row.getInt(row.fieldIndex("id")), row);
    }
    return rows;
  }

  /** Everything but the timings, which are measured. */
  static List<Object> content(Row row) {
    List<Object> values = new ArrayList<>();
    for (String field : row.schema().fieldNames()) {
      if (!field.equals("timings")) {
        values.add(row.get(row.fieldIndex(field)));
      }
    }
    return values;
  }

  @Test
  void twoHundredRowsMatchTheGeneratorWhateverThePartitioningAndBadRowsCarryTheirErrors() {
    List<Row> input = DemoData.rows(200, true);
    Dataset<Row> frame = spark.createDataFrame(input, DemoData.SCHEMA);

    Map<Integer, Row> onePartition = byId(job().build().transform(frame.repartition(1)));
    // Four partitions, two rows of each decoded at once: the same rows, the same results.
    Dataset<Row> four = job().concurrency(2).build().transform(frame.repartition(4));
    assertEquals(4, four.rdd().getNumPartitions());
    Map<Integer, Row> fourPartitions = byId(four);

    assertEquals(200, onePartition.size());
    assertEquals(200, fourPartitions.size());
    int good = 0;
    int bad = 0;
    for (Row in : input) {
      int id = in.getInt(0);
      Row out = onePartition.get(id);
      assertEquals(content(out), content(fourPartitions.get(id)), "row " + id + " differs between 1 and 4 partitions");
      boolean meantBad = id % 10 == 9;
      String error = out.getAs("error");
      if (meantBad) {
        bad++;
        assertNotNull(error, "row " + id + " is bad and has an error");
        assertNull(out.getAs("reply"));
        assertNull(out.getAs("candidates"));
        String expected = switch ((id / 10) % 6) {
          case 0 -> "persona 'pirate-queen'";
          case 1 -> "inline persona JSON";
          case 2 -> "no user or assistant message";
          case 3 -> "ends with the assistant's message";
          case 4 -> "role 'narrator'";
          default -> "token budget";
        };
        assertTrue(error.contains(expected), "row " + id + ": '" + error + "' should mention " + expected);
        continue;
      }
      good++;
      assertNull(error, "row " + id + " is good: " + error);
      Reply reply = expected(in);
      assertEquals(reply.text(), out.getAs("reply"), "row " + id + ": the generator's reply for its persona, conversation and seed");
      List<Row> candidates = out.getList(out.fieldIndex("candidates"));
      assertEquals(CANDIDATES, candidates.size());
      for (int c = 0; c < CANDIDATES; c++) {
        Row candidate = candidates.get(c);
        assertEquals(reply.candidates().get(c).text(), candidate.getAs("text"));
        assertEquals(reply.candidates().get(c).scores(), candidate.getJavaMap(candidate.fieldIndex("scores")));
        assertEquals(reply.chosen().index() == c, candidate.<Boolean>getAs("chosen"));
      }
      Row selection = out.getAs("selection");
      assertEquals(reply.selection().rule(), selection.getAs("rule"));
      assertEquals(reply.selection().explanation(), selection.getAs("explanation"));
      Row timings = out.getAs("timings");
      assertEquals(reply.timings().promptTokens(), timings.<Integer>getAs("prompt_tokens"));
      assertTrue(timings.<Double>getAs("decode_ms") > 0);
    }
    assertEquals(180, good);
    assertEquals(20, bad);
    assertEquals(1, PersonaGeneration.modelLoadsInThisJvm(), "one model load in this JVM over both jobs");
  }

  /** What the generator gives for the row's persona, conversation and seed, on a model loaded apart from Spark's. */
  static Reply expected(Row in) {
    int id = in.getInt(0);
    Conversation conversation = Conversation.empty();
    String instructions = null;
    List<RowInput.Message> messages = new ArrayList<>();
    for (Map<String, String> m : DemoData.messages(in)) {
      messages.add(new RowInput.Message(m.get("role"), m.get("content")));
      switch (m.get("role")) {
        case "user" -> conversation = conversation.with(Turn.user(m.get("content")));
        case "assistant" -> conversation = conversation.with(Turn.character(m.get("content")));
        default -> instructions = m.get("content");
      }
    }
    if (instructions != null) {
      conversation = conversation.withInstructions(instructions);
    }
    long seed = in.isNullAt(3) ? RowInput.derivedSeed(in.getString(1), messages) : in.getLong(3);
    return GENERATORS.get(DemoData.NAMES.get(id % 4)).reply(conversation,
        ReplyOptions.builder().seed(seed).candidates(CANDIDATES).maxNewTokens(MAX_NEW_TOKENS).build());
  }

  @Test
  void aJsonFileWithPlainStringAndMessageListConversationsAndNoSeedColumn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rows.jsonl");
    Files.writeString(file, String.join("\n",
        "{\"id\": 1, \"persona\": \"captain\", \"conversation\": \"Ahoy! How are you?\"}",
        "{\"id\": 2, \"persona\": \"captain\", \"conversation\": [{\"role\": \"user\", \"content\": \"Ahoy! How are you?\"}]}",
        "{\"id\": 3, \"persona\": \"detective\", \"conversation\": [{\"role\": \"user\", \"content\": \"Who did it?\"}]}",
        "{\"id\": 4, \"persona\": \"detective\", \"conversation\": \"[{\\\"role\\\": \\\"user\\\"\"}") + "\n");
    Dataset<Row> frame = spark.read().json(file.toString());
    Map<Integer, Row> out = new HashMap<>();
    for (Row row : job().build().transform(frame).collectAsList()) {
      out.put((int) row.getLong(row.fieldIndex("id")), row);
    }
    // Mixed rows read as strings; a JSON message list in a string is that list, so rows 1 and 2 are one input.
    assertNull(out.get(1).getAs("error"));
    assertFalse(out.get(1).<String>getAs("reply").isEmpty());
    assertEquals(out.get(1).<String>getAs("reply"), out.get(2).getAs("reply"));
    assertEquals(content(out.get(1)).subList(3, 6), content(out.get(2)).subList(3, 6));
    assertNull(out.get(3).getAs("error"));
    assertTrue(out.get(4).<String>getAs("error").contains("not a JSON array"), out.get(4).<String>getAs("error"));
  }

  @Test
  void anInputWithoutTheColumnsIsRefusedBeforeTheJobRuns() {
    Dataset<Row> noConversation = spark.sql("SELECT 'captain' AS persona, 7 AS seed");
    BatchInputException e = assertThrows(BatchInputException.class, () -> job().build().transform(noConversation));
    assertTrue(e.getMessage().contains("no conversation column 'conversation'"), e.getMessage());
    Dataset<Row> badSeed = spark.sql("SELECT 'captain' AS persona, 'Hi' AS conversation, 'x' AS seed");
    e = assertThrows(BatchInputException.class, () -> job().build().transform(badSeed));
    assertTrue(e.getMessage().contains("seed column 'seed' is string"), e.getMessage());
    Dataset<Row> clash = spark.sql("SELECT 'captain' AS persona, 'Hi' AS conversation, 'x' AS reply");
    e = assertThrows(BatchInputException.class, () -> job().build().transform(clash));
    assertTrue(e.getMessage().contains("already has a column 'reply'"), e.getMessage());
  }
}
