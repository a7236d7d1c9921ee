package dev.persona4j.spark;

import dev.persona4j.core.backend.LoadOptions;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Generates a persona's reply for every row of a Spark {@code Dataset<Row>}: the transformation adds
 * {@code reply}, {@code candidates}, {@code selection}, {@code timings} and {@code error} to the input's columns.
 *
 * <p>Input columns (names configurable):
 * <ul>
 *   <li>{@code persona} (string), decided by content: inline persona JSON (or Character Card JSON) when it
 *       starts with {@code {}; a bundled persona's name ({@code captain}: {@code <personaDirectory>/captain.yaml},
 *       {@code .yml} or {@code .json}) when it is a plain name; otherwise a path readable on every executor
 *       (persona YAML/JSON or a Character Card).
 *   <li>{@code conversation}: {@code array<struct<role, content>>} (roles {@code user}, {@code assistant},
 *       and {@code system} for instructions added to the persona's), or a string: one user message, unless it is
 *       a JSON array of such role/content objects (how a JSON file with mixed rows reads).
 *   <li>{@code seed} (integral, optional and nullable). A row without one gets a seed derived from its persona
 *       and conversation text (the first 8 bytes of a SHA-256 over both): a row's result depends only on its
 *       persona, conversation and seed and this transformation's options, never on partitioning or order.
 * </ul>
 *
 * <p>Output columns: {@code reply} (string); {@code candidates} (array of {@code struct<index, text, tokens,
 * finish_reason, scores: map<string,double>, score, chosen>}, every candidate of every round); {@code selection}
 * ({@code struct<rule, explanation, gave_up, rounds>}); {@code timings} ({@code struct<prompt_tokens,
 * assemble_ms, prefill_ms, decode_ms, scoring_ms, total_ms, decoding_steps>}); {@code error}: null, or the
 * message of the typed exception that made the row unusable (unknown persona, malformed persona JSON, empty
 * conversation, conversation ending with the character's turn, prompt over the model's context...), in which
 * case the other four are null. Bad rows never fail the job.
 *
 * <p>The model (and the heads its profile lists) loads lazily once per executor JVM, keyed by location and
 * load options, and is shared by every task there; each partition decodes up to {@link Builder#concurrency}
 * rows at once through a {@link dev.persona4j.core.generate.PersonaGenerator}. The model location must be
 * readable on every executor: shared storage, or a directory shipped with {@code --archives}.
 *
 * <pre>{@code
 * Dataset<Row> replies = PersonaGeneration.builder("/shared/models/persona-demo")
 *     .personaDirectory("/shared/personas").candidates(8).maxNewTokens(64).build()
 *     .transform(spark.read().json("conversations.jsonl"));
 * }</pre>
 */
public final class PersonaGeneration implements Serializable {
  private static final long serialVersionUID = 1L;

  final String modelLocation;
  final String backend;
  final LoadOptions.DevicePreference device;
  final String personaDirectory;
  final Integer candidates;
  final Integer maxNewTokens;
  final Double temperature;
  final Double topP;
  final int concurrency;
  final String personaColumn;
  final String conversationColumn;
  final String seedColumn;

  private PersonaGeneration(Builder b) {
    this.modelLocation = b.modelLocation;
    this.backend = b.backend;
    this.device = b.device;
    this.personaDirectory = b.personaDirectory;
    this.candidates = b.candidates;
    this.maxNewTokens = b.maxNewTokens;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.concurrency = b.concurrency;
    this.personaColumn = b.personaColumn;
    this.conversationColumn = b.conversationColumn;
    this.seedColumn = b.seedColumn;
  }

  /** A transformation running the model at {@code modelLocation} (a model directory readable on every executor). */
  public static Builder builder(String modelLocation) {
    return new Builder(modelLocation);
  }

  /**
   * The input rows, each with the columns above added. Lazy, like every Spark transformation: the model loads
   * on the executors when an action runs.
   *
   * @throws BatchInputException when the persona or conversation column is missing or of the wrong type, the
   *     seed column is not integral, or the input already has one of the output columns
   */
  public Dataset<Row> transform(Dataset<Row> input) {
    Objects.requireNonNull(input, "input");
    StructType schema = outputSchema(input.schema());
    PartitionGeneration function = new PartitionGeneration(this, input.schema());
    return input.mapPartitions(function, Encoders.row(schema));
  }

  /**
   * The schema {@link #transform} produces from {@code input}: its fields, then the output columns.
   *
   * @throws BatchInputException as {@link #transform} does
   */
  public StructType outputSchema(StructType input) {
    Objects.requireNonNull(input, "input");
    DataType persona = fieldType(input, personaColumn, "persona");
    if (!persona.equals(DataTypes.StringType)) {
      throw new BatchInputException("persona column '" + personaColumn + "' is " + persona.simpleString()
          + "; expected string (a bundled name, a path or inline persona JSON)");
    }
    DataType conversation = fieldType(input, conversationColumn, "conversation");
    if (!conversation.equals(DataTypes.StringType) && !isTurnArray(conversation)) {
      throw new BatchInputException("conversation column '" + conversationColumn + "' is " + conversation.simpleString()
          + "; expected array<struct<role:string,content:string>> or string (one user message)");
    }
    if (Arrays.asList(input.fieldNames()).contains(seedColumn)) {
      DataType seed = input.apply(seedColumn).dataType();
      if (!seed.equals(DataTypes.LongType) && !seed.equals(DataTypes.IntegerType) && !seed.equals(DataTypes.ShortType)) {
        throw new BatchInputException("seed column '" + seedColumn + "' is " + seed.simpleString() + "; expected an integer");
      }
    }
    StructType out = input;
    for (StructField field : OutputRows.FIELDS) {
      if (Arrays.asList(input.fieldNames()).contains(field.name())) {
        throw new BatchInputException("the input already has a column '" + field.name()
            + "', which persona generation adds; rename or drop it");
      }
      out = out.add(field);
    }
    return out;
  }

  /**
   * How many models this JVM has loaded for persona generation: in local mode the driver's executors share
   * this JVM, so a job over one model reads 1 whatever its partitions. On a cluster each executor counts its own.
   */
  public static int modelLoadsInThisJvm() {
    return ExecutorModels.loads();
  }

  private static DataType fieldType(StructType input, String column, String what) {
    if (!Arrays.asList(input.fieldNames()).contains(column)) {
      throw new BatchInputException("the input has no " + what + " column '" + column + "' (columns: "
          + String.join(", ", input.fieldNames()) + ")");
    }
    return input.apply(column).dataType();
  }

  private static boolean isTurnArray(DataType type) {
    if (!(type instanceof ArrayType array) || !(array.elementType() instanceof StructType turn)) {
      return false;
    }
    for (String name : new String[] {"role", "content"}) {
      if (!Arrays.asList(turn.fieldNames()).contains(name) || !turn.apply(name).dataType().equals(DataTypes.StringType)) {
        return false;
      }
    }
    return true;
  }

  /** Builds a {@link PersonaGeneration}; everything but the model location has a default. */
  public static final class Builder {
    private final String modelLocation;
    private String backend;
    private LoadOptions.DevicePreference device = LoadOptions.DevicePreference.AUTO;
    private String personaDirectory;
    private Integer candidates;
    private Integer maxNewTokens;
    private Double temperature;
    private Double topP;
    private int concurrency = 1;
    private String personaColumn = "persona";
    private String conversationColumn = "conversation";
    private String seedColumn = "seed";

    private Builder(String modelLocation) {
      Objects.requireNonNull(modelLocation, "modelLocation");
      if (modelLocation.isBlank()) {
        throw new IllegalArgumentException("modelLocation is blank");
      }
      this.modelLocation = modelLocation;
    }

    /** The backend by name ({@code djl}, {@code java}); by default the highest-priority one for the model. */
    public Builder backend(String name) {
      this.backend = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Where the model's arrays live (default {@code AUTO}). */
    public Builder device(LoadOptions.DevicePreference device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /** The directory (readable on every executor) where persona names resolve; without one only paths and inline JSON do. */
    public Builder personaDirectory(String directory) {
      this.personaDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Candidates per reply (best of N); by default the model profile's. */
    public Builder candidates(int n) {
      this.candidates = positive(n, "candidates");
      return this;
    }

    /** New-token limit per candidate; by default the model profile's. */
    public Builder maxNewTokens(int n) {
      this.maxNewTokens = positive(n, "maxNewTokens");
      return this;
    }

    /** Sampling temperature (0 = greedy); by default the model profile's. */
    public Builder temperature(double temperature) {
      if (!(temperature >= 0) || Double.isInfinite(temperature)) {
        throw new IllegalArgumentException("temperature " + temperature + " is not a finite number >= 0");
      }
      this.temperature = temperature;
      return this;
    }

    /** Nucleus (top-p) sampling mass in (0, 1]; by default the model profile's. */
    public Builder topP(double topP) {
      if (!(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("topP " + topP + " is not in (0, 1]");
      }
      this.topP = topP;
      return this;
    }

    /**
     * Rows of one partition decoded at once (default 1). With one task per core, 1 keeps the cores busy;
     * more overlaps rows within a task when there are fewer tasks than cores.
     */
    public Builder concurrency(int rows) {
      this.concurrency = positive(rows, "concurrency");
      return this;
    }

    /** The persona column (default {@code persona}). */
    public Builder personaColumn(String name) {
      this.personaColumn = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The conversation column (default {@code conversation}). */
    public Builder conversationColumn(String name) {
      this.conversationColumn = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The optional seed column (default {@code seed}); rows without it get a seed derived from their content. */
    public Builder seedColumn(String name) {
      this.seedColumn = Objects.requireNonNull(name, "name");
      return this;
    }

    public PersonaGeneration build() {
      return new PersonaGeneration(this);
    }

    private static int positive(int n, String what) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " " + n + " is not positive");
      }
      return n;
    }
  }
}
