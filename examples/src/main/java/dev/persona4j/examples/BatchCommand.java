package dev.persona4j.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Replies for a file of personas and conversations, as a Spark job: {@code persona4j batch --input rows.jsonl
 * --output out}. Only plain option fields here, so that picocli can read this command without Spark on the class
 * path; {@link SparkBatch} runs the job (the launcher adds Spark for {@code batch}).
 */
@Command(
    name = "batch",
    description = {
        "Generate replies for many rows as a Spark job, on a local session by default.",
        "Each row has a persona (bundled name, path or inline JSON), a conversation (a user message or [{role, content}, ...]) and an optional seed.",
        "Writes OUTPUT/parquet, OUTPUT/replies.jsonl and, with --dataset, OUTPUT/dataset.jsonl in the chat format fine-tuning tools read."})
final class BatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", paramLabel = "FILE", description = "Rows as JSON lines (.jsonl, .json) or Parquet (.parquet, or a directory of it).")
  Path input;

  @Option(names = "--personas", split = ",", paramLabel = "NAME_OR_FILE",
      description = "Instead of --input: these personas (comma-separated) × every line of --messages.")
  List<String> personas = new ArrayList<>();

  @Option(names = "--messages", paramLabel = "FILE", description = "With --personas: user messages, one a line.")
  Path messages;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where the results go (replaced).")
  Path output;

  @Option(names = "--model", description = "A model directory readable by every executor (default: the bundled demo model).")
  Path model;

  @Option(names = "--master", description = "Spark master (default ${DEFAULT-VALUE}).")
  String master = "local[*]";

  @Option(names = "--partitions", description = "Repartition the input into N partitions (default: as read).")
  Integer partitions;

  @Option(names = "--candidates", description = "Candidates per reply (default: the model profile's).")
  Integer candidates;

  @Option(names = "--max-tokens", description = "New tokens per candidate (default: the model profile's).")
  Integer maxTokens;

  @Option(names = "--seed", description = "The seed of rows without one (default: derived from each row's persona and conversation).")
  Long seed;

  @Option(names = "--concurrency", description = "Rows of a partition decoded at once (default ${DEFAULT-VALUE}).")
  int concurrency = 1;

  @Option(names = "--dataset", description = "Also write OUTPUT/dataset.jsonl: {\"messages\": [...]} with every candidate and its scores.")
  boolean dataset;

  @Override
  public Integer call() {
    if ((input == null) == personas.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give either --input FILE or --personas with --messages FILE");
    }
    if (!personas.isEmpty() && messages == null) {
      throw new ParameterException(spec.commandLine(), "--personas needs --messages FILE");
    }
    return new SparkBatch(this).run();
  }
}
