package dev.persona4j.spark;

import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.Timings;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.Selection;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** The columns persona generation adds, and a reply (or a row's error) as their values (arrays and maps as Scala's, which Spark's row encoder takes). */
final class OutputRows {
  static final StructType CANDIDATE = new StructType()
      .add("index", DataTypes.IntegerType, false)
      .add("text", DataTypes.StringType, false)
      .add("tokens", DataTypes.IntegerType, false)
      .add("finish_reason", DataTypes.StringType, false)
      .add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), false)
      .add("score", DataTypes.DoubleType, true)
      .add("chosen", DataTypes.BooleanType, false);
  static final StructType SELECTION = new StructType()
      .add("rule", DataTypes.StringType, false)
      .add("explanation", DataTypes.StringType, false)
      .add("gave_up", DataTypes.BooleanType, false)
      .add("rounds", DataTypes.IntegerType, false);
  static final StructType TIMINGS = new StructType()
      .add("prompt_tokens", DataTypes.IntegerType, false)
      .add("assemble_ms", DataTypes.DoubleType, false)
      .add("prefill_ms", DataTypes.DoubleType, false)
      .add("decode_ms", DataTypes.DoubleType, false)
      .add("scoring_ms", DataTypes.DoubleType, false)
      .add("total_ms", DataTypes.DoubleType, false)
      .add("decoding_steps", DataTypes.IntegerType, false);
  static final List<StructField> FIELDS = List.of(
      DataTypes.createStructField("reply", DataTypes.StringType, true),
      DataTypes.createStructField("candidates", DataTypes.createArrayType(CANDIDATE, false), true),
      DataTypes.createStructField("selection", SELECTION, true),
      DataTypes.createStructField("timings", TIMINGS, true),
      DataTypes.createStructField("error", DataTypes.StringType, true));

  private OutputRows() {}

  /** The input row's values followed by the reply's. */
  static Row of(Row input, Reply reply) {
    List<Row> candidates = new ArrayList<>(reply.candidates().size());
    int chosen = reply.chosen().index();
    for (Candidate c : reply.candidates()) {
      candidates.add(RowFactory.create(c.index(), c.text(), c.tokenCount(), c.finishReason().name().toLowerCase(),
          CollectionConverters.asScala(c.scores()), Double.isNaN(c.score()) ? null : c.score(), c.index() == chosen));
    }
    Selection s = reply.selection();
    Timings t = reply.timings();
    Row timings = RowFactory.create(t.promptTokens(), ms(t.assembleNanos()), ms(t.prefillNanos()), ms(t.decodeNanos()),
        ms(t.scoringNanos()), ms(t.totalNanos()), t.decodingSteps());
    return append(input, reply.text(), candidates, RowFactory.create(s.rule(), s.explanation(), s.gaveUp(), s.rounds()),
        timings, null);
  }

  /** The input row's values, no reply, and the error. */
  static Row failed(Row input, String error) {
    return append(input, null, null, null, null, error);
  }

  private static Row append(Row input, String reply, List<Row> candidates, Row selection, Row timings, String error) {
    int n = input.length();
    Object[] values = new Object[n + FIELDS.size()];
    for (int i = 0; i < n; i++) {
      values[i] = input.get(i);
    }
    values[n] = reply;
    values[n + 1] = candidates == null ? null : CollectionConverters.asScala(candidates);
    values[n + 2] = selection;
    values[n + 3] = timings;
    values[n + 4] = error;
    return RowFactory.create(values);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
