package dev.persona4j.spark;

import dev.persona4j.core.persona.PersonaFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The bundled demo model and personas beside this module, and rows of personas and conversations over them,
 * good and bad, for the tests and the benchmark.
 */
final class DemoData {
  /** The examples module: beside this module (tests run in spark/), or below the working directory (the checkout). */
  static final Path EXAMPLES = (Files.isDirectory(Path.of("examples", "personas")) ? Path.of("examples")
      : Path.of("..", "examples")).toAbsolutePath().normalize();
  static final Path MODEL = EXAMPLES.resolve("models/persona-demo");
  static final Path PERSONAS = EXAMPLES.resolve("personas");
  static final List<String> NAMES = List.of("captain", "detective", "gardener", "naturalist");

  static final StructType TURN = new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("persona", DataTypes.StringType)
      .add("conversation", DataTypes.createArrayType(TURN))
      .add("seed", DataTypes.LongType);

  static final List<String> QUESTIONS = List.of("What do you think of the weather today?", "Ahoy! How are you?",
      "What should I do about my garden?", "Tell me about your work.", "Any news from the harbour?",
      "What did you see this morning?", "Can you help me with a problem?", "What is your favourite season?");

  private DemoData() {}

  static boolean present() {
    return Files.isRegularFile(MODEL.resolve("model.safetensors"));
  }

  /** A local Spark session for tests and the benchmark: no UI, loopback only. */
  static SparkSession session(String master) {
    return SparkSession.builder().master(master).appName("persona4j-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  static Row turn(String role, String content) {
    return RowFactory.create(role, content);
  }

  /**
   * {@code n} rows over the four personas: every tenth-or-so row is bad in one of the ways a batch meets (unknown
   * persona, malformed inline JSON, empty conversation, one ending with the assistant, an unknown role, a prompt
   * over the model's context); the good ones name their persona by bundled name, by path or inline JSON, with and
   * without seeds, with one or three messages and sometimes a system instruction.
   */
  static List<Row> rows(int n, boolean withBad) {
    String inlineNaturalist = PersonaFiles.toText(PersonaFiles.load(PERSONAS.resolve("naturalist.yaml")),
        PersonaFiles.Format.JSON);
    String gardenerPath = PERSONAS.resolve("gardener.yaml").toString();
    String tooLong = "Tell me everything about the sea and the stars. ".repeat(300);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = NAMES.get(i % 4);
      String persona = switch (i % 12) {
        case 2 -> gardenerPath;
        case 3, 7 -> inlineNaturalist;
        default -> name;
      };
      String question = QUESTIONS.get((i / 4) % QUESTIONS.size());
      List<Row> conversation = i % 5 == 1
          ? List.of(turn("user", "Good evening."), turn("assistant", "Evening. What brings you here?"), turn("user", question))
          : i % 7 == 0 ? List.of(turn("system", "Keep it short."), turn("user", question)) : List.of(turn("user", question));
      Long seed = i % 3 == 0 ? null : 1000L + i;
      if (withBad && i % 10 == 9) {
        switch ((i / 10) % 6) {
          case 0 -> persona = "pirate-queen";
          case 1 -> persona = "{\"schema\": \"persona4j/v1\", \"name\": ";
          case 2 -> conversation = List.of();
          case 3 -> conversation = List.of(turn("user", question), turn("assistant", "Aye."));
          case 4 -> conversation = List.of(turn("narrator", question));
          default -> conversation = List.of(turn("user", tooLong));
        }
      }
      rows.add(RowFactory.create(i, persona, conversation, seed));
    }
    return rows;
  }

  /** The row's conversation column as role/content maps, for building the expected conversation. */
  static List<Map<String, String>> messages(Row row) {
    List<Map<String, String>> messages = new ArrayList<>();
    @SuppressWarnings("unchecked") // the rows above hold Java lists
    List<Row> turns = (List<Row>) row.get(2);
    for (Row turn : turns) {
      messages.add(Map.of("role", turn.getString(0), "content", turn.getString(1)));
    }
    return messages;
  }
}
