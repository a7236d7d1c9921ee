package dev.persona4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.internal.Json;
import dev.persona4j.spark.PersonaGeneration;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The batch command's Spark job: read the rows, generate, write Parquet and JSON lines, print a summary. */
final class SparkBatch {
  private static final ObjectMapper JSON = Json.mapper();

  private final BatchCommand options;
  private final Map<String, String> characterNames = new HashMap<>();

  SparkBatch(BatchCommand options) {
    this.options = options;
  }

  int run() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path modelDir = (options.model != null ? options.model : Workspace.demoModel()).toAbsolutePath();
    SparkSession.Builder session = SparkSession.builder().master(options.master).appName("persona4j batch")
        .config("spark.ui.enabled", "false");
    if (options.master.startsWith("local")) {
      session.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession spark = session.getOrCreate();
    try {
      Dataset<Row> rows = read(spark);
      if (options.seed != null) {
        rows = rows.withColumn("seed", Arrays.asList(rows.columns()).contains("seed")
            ? functions.coalesce(rows.col("seed").cast(DataTypes.LongType), functions.lit(options.seed))
            : functions.lit(options.seed));
      }
      if (options.partitions != null) {
        rows = rows.repartition(options.partitions);
      }
      PersonaGeneration.Builder job = PersonaGeneration.builder(modelDir.toString())
          .personaDirectory(Workspace.personasDir().toString()).concurrency(options.concurrency);
      if (options.candidates != null) {
        job.candidates(options.candidates);
      }
      if (options.maxTokens != null) {
        job.maxNewTokens(options.maxTokens);
      }
      Path parquet = options.output.resolve("parquet");
      long start = System.nanoTime();
      job.build().transform(rows).write().mode(SaveMode.Overwrite).parquet(parquet.toString());
      double seconds = (System.nanoTime() - start) / 1e9;

      // The copies are read back from the Parquet just written: generating twice would cost the job again.
      Dataset<Row> written = spark.read().parquet(parquet.toString());
      long total = 0;
      long errors = 0;
      Path replies = options.output.resolve("replies.jsonl");
      Path dataset = options.output.resolve("dataset.jsonl");
      try (BufferedWriter jsonl = Files.newBufferedWriter(replies, StandardCharsets.UTF_8);
          BufferedWriter chat = options.dataset ? Files.newBufferedWriter(dataset, StandardCharsets.UTF_8) : null) {
        for (Iterator<Row> it = written.toLocalIterator(); it.hasNext(); ) {
          Row row = it.next();
          total++;
          jsonl.write(row.json());
          jsonl.newLine();
          if (!row.isNullAt(row.fieldIndex("error"))) {
            errors++;
          } else if (chat != null) {
            chat.write(JSON.writeValueAsString(chatExample(row)));
            chat.newLine();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + options.output, e);
      }
      out.printf(Locale.ROOT, "%d rows (%d with errors) in %.1f s: %.2f rows/s on %s; model loads in this JVM: %d%n",
          total, errors, seconds, total / seconds, options.master, PersonaGeneration.modelLoadsInThisJvm());
      out.println("Wrote " + parquet + " and " + replies + (options.dataset ? " and " + dataset : ""));
      return 0;
    } finally {
      spark.stop();
    }
  }

  private Dataset<Row> read(SparkSession spark) {
    if (options.input != null) {
      String name = options.input.getFileName().toString().toLowerCase(Locale.ROOT);
      if (!Files.exists(options.input)) {
        throw new Persona4jException("--input " + options.input + ": no such file");
      }
      return name.endsWith(".parquet") || Files.isDirectory(options.input)
          ? spark.read().parquet(options.input.toString()) : spark.read().json(options.input.toString());
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(options.messages, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new Persona4jException("--messages " + options.messages + ": " + e.getMessage(), e);
    }
    List<Row> rows = new ArrayList<>();
    for (String persona : options.personas) {
      String given = Files.isRegularFile(Path.of(persona)) ? Path.of(persona).toAbsolutePath().toString() : persona;
      for (String line : lines) {
        rows.add(RowFactory.create(given, line));
      }
    }
    StructType schema = new StructType().add("persona", DataTypes.StringType).add("conversation", DataTypes.StringType);
    return spark.createDataFrame(rows, schema);
  }

  /**
   * A row as one chat example of a fine-tuning set: a one-line system cue naming the character (the student learns
   * the voice from the replies, not from a long definition), the conversation, the chosen reply; then every candidate
   * with its head scores and the selection, for filtering or preference training.
   */
  private ObjectNode chatExample(Row row) throws IOException {
    ObjectNode example = JSON.createObjectNode();
    ArrayNode messages = example.putArray("messages");
    String persona = row.getString(row.fieldIndex("persona"));
    String name = characterName(persona);
    if (name != null) {
      messages.addObject().put("role", "system").put("content", "You are " + name + ".");
    }
    Object conversation = row.get(row.fieldIndex("conversation"));
    if (conversation instanceof String text && !text.stripLeading().startsWith("[")) {
      messages.addObject().put("role", "user").put("content", text);
    } else if (conversation instanceof String text) {
      for (JsonNode m : JSON.readTree(text)) {
        messages.add(m);
      }
    } else {
      for (Row m : row.<Row>getList(row.fieldIndex("conversation"))) {
        messages.addObject().put("role", m.<String>getAs("role")).put("content", m.<String>getAs("content"));
      }
    }
    messages.addObject().put("role", "assistant").put("content", row.getString(row.fieldIndex("reply")));
    example.put("persona", persona.strip().startsWith("{") && name != null ? name : persona);
    ArrayNode candidates = example.putArray("candidates");
    for (Row c : row.<Row>getList(row.fieldIndex("candidates"))) {
      ObjectNode candidate = candidates.addObject().put("text", c.<String>getAs("text"))
          .put("chosen", c.<Boolean>getAs("chosen")).put("finish_reason", c.<String>getAs("finish_reason"));
      if (!c.isNullAt(c.fieldIndex("score"))) {
        candidate.put("score", c.<Double>getAs("score"));
      }
      ObjectNode scores = candidate.putObject("scores");
      c.<String, Double>getJavaMap(c.fieldIndex("scores")).forEach(scores::put);
    }
    Row selection = row.getAs("selection");
    example.putObject("selection").put("rule", selection.<String>getAs("rule"))
        .put("explanation", selection.<String>getAs("explanation"));
    return example;
  }

  /** The character's name for the system cue; null when the persona cannot be read here (the driver). */
  private String characterName(String persona) {
    return characterNames.computeIfAbsent(persona, p -> {
      try {
        return p.strip().startsWith("{") ? PersonaFiles.parse(p, PersonaFiles.Format.JSON, "inline persona").charName()
            : Workspace.persona(p).charName();
      } catch (Persona4jException e) {
        return null;
      }
    });
  }
}
