package dev.persona4j.spark;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One partition's rows in, the same rows with their replies out, in order: up to {@code concurrency} rows
 * are decoded at once on a small pool owned by the task (none when it is 1), through the executor's shared
 * model. A row's own input problem becomes its {@code error}; anything else fails the task, as in any job.
 */
final class PartitionGeneration implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final PersonaGeneration job;
  private final int personaIndex;
  private final int conversationIndex;
  private final int seedIndex;

  PartitionGeneration(PersonaGeneration job, StructType input) {
    this.job = job;
    this.personaIndex = input.fieldIndex(job.personaColumn);
    this.conversationIndex = input.fieldIndex(job.conversationColumn);
    this.seedIndex = Arrays.asList(input.fieldNames()).indexOf(job.seedColumn);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    ExecutorModels.Loaded loaded = ExecutorModels.model(job);
    if (job.concurrency == 1) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          return generate(loaded, rows.next());
        }
      };
    }
    return new Concurrent(loaded, rows);
  }

  /** The row with its reply, or with the error that made it unusable. */
  Row generate(ExecutorModels.Loaded loaded, Row row) {
    try {
      RowInput input = RowInput.read(row, personaIndex, conversationIndex, seedIndex);
      PersonaGenerator generator = loaded.generator(input.persona(), job.personaDirectory);
      Reply reply = generator.reply(input.conversation(), replyOptions(generator, input.seed()));
      return OutputRows.of(row, reply);
    } catch (Persona4jException e) {
      return OutputRows.failed(row, e.getMessage());
    }
  }

  /** The job's per-reply options over the generator's (the model profile's) defaults. */
  private ReplyOptions replyOptions(PersonaGenerator generator, long seed) {
    ReplyOptions.Builder options = ReplyOptions.builder().seed(seed);
    if (job.candidates != null) {
      options.candidates(job.candidates);
    }
    if (job.maxNewTokens != null) {
      options.maxNewTokens(job.maxNewTokens);
    }
    if (job.temperature != null || job.topP != null) {
      var sampler = generator.samplerSettings().toBuilder();
      if (job.temperature != null) {
        sampler.temperature(job.temperature);
      }
      if (job.topP != null) {
        sampler.topP(job.topP);
      }
      options.sampler(sampler.build());
    }
    return options.build();
  }

  /** Keeps up to {@code concurrency} rows in flight and hands them back in input order. */
  private final class Concurrent implements Iterator<Row> {
    private final ExecutorModels.Loaded loaded;
    private final Iterator<Row> rows;
    private final ArrayDeque<Future<Row>> inFlight = new ArrayDeque<>();
    private final ExecutorService pool;

    Concurrent(ExecutorModels.Loaded loaded, Iterator<Row> rows) {
      this.loaded = loaded;
      this.rows = rows;
      int id = POOLS.incrementAndGet();
      AtomicInteger thread = new AtomicInteger();
      ThreadFactory daemons = r -> {
        Thread t = new Thread(r, "persona4j-spark-" + id + "-" + thread.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      this.pool = Executors.newFixedThreadPool(job.concurrency, daemons);
      TaskContext task = TaskContext.get();
      if (task != null) {
        // A failed or killed task stops its pool too; shutdownNow interrupts nothing the model needs.
        task.addTaskCompletionListener((TaskCompletionListener) context -> pool.shutdownNow());
      }
      fill();
    }

    private void fill() {
      // Rows are read on the task's thread: Spark's input iterators are not thread-safe.
      while (inFlight.size() < job.concurrency && rows.hasNext()) {
        Row row = rows.next();
        inFlight.add(pool.submit(() -> generate(loaded, row)));
      }
      if (inFlight.isEmpty()) {
        pool.shutdown();
      }
    }

    @Override
    public boolean hasNext() {
      return !inFlight.isEmpty();
    }

    @Override
    public Row next() {
      Future<Row> head = inFlight.poll();
      if (head == null) {
        throw new NoSuchElementException();
      }
      try {
        Row row = head.get();
        fill();
        return row;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pool.shutdownNow();
        throw new IllegalStateException("interrupted while generating a partition's replies", e);
      } catch (ExecutionException e) {
        pool.shutdownNow();
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
      }
    }
  }
}
