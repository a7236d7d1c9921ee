package dev.persona4j.examples.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.training.TrainableTransformer;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import dev.persona4j.internal.Json;

/**
 * Trains the demo model: generates the corpus and its tokenizer, renders multi-turn conversations
 * with the library's own {@link PromptAssembler} (compact definitions, the tokenizer's chatml
 * template), and trains a small Llama from scratch on the CPU with the training module's
 * {@link TrainableTransformer}, with AdamW, linear warm-up and cosine decay, and the loss
 * on the character's reply tokens (the end-of-turn token included). Reproducible by seed: the corpus,
 * the split, the conversations, the initialisation and the batch order all derive from it, and the run
 * is a fixed number of steps.
 *
 * <p>The output directory is a Hugging Face model directory plus the demo's own files: {@code
 * config.json}, {@code model.safetensors}, {@code generation_config.json} (EOS = end of turn), {@code
 * tokenizer.json}, {@code tokenizer_config.json} (with the chat template), {@code persona4j.json} (how
 * to prompt this model), {@code heldout.jsonl} (the corpus split never trained on, for the heads),
 * {@code loss.csv}, {@code loss.png} and {@code TRAINING.md}.
 */
public final class DemoTrainer {
  /** The file telling the CLI how to prompt the model. */
  public static final String SETTINGS_FILE = "persona4j.json";
  public static final String HELD_OUT_FILE = "heldout.jsonl";

  private final DemoTrainerSettings settings;

  public DemoTrainer(DemoTrainerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** What a run produced. */
  public record Result(Path directory, ModelConfig config, long parameters, int steps, long trainedTokens,
      double seconds, double tokensPerSecond, float firstLoss, float finalLoss, int sequences,
      int heldOutExamples) {}

  /** One optimisation step's record. */
  record StepRecord(int step, float learningRate, float loss, long tokens, double seconds) {}

  /**
   * Runs the whole pipeline into {@code out}.
   *
   * @param examplePersonas the directory with the example personas' YAML files
   * @param progress where the progress bar and summaries go (stderr from the CLI)
   * @param command the command line to record in TRAINING.md
   */
  public Result train(Path out, Path examplePersonas, PrintStream progress, String command) {
    long started = System.nanoTime();
    createDirectories(out);
    Corpus corpus = settings.corpusGenerator().generate();
    Map<String, Persona> personas = DemoTrainingData.personas(corpus, examplePersonas);
    List<String> definitions = new ArrayList<>();
    for (PersonaProfile p : corpus.personas()) {
      definitions.add(p.generated() ? p.generatedDefinition().orElseThrow()
          : read(examplePersonas.resolve(p.id() + ".yaml")));
    }
    ByteLevelBpe bpe = TokenizerBuilder.forCorpus(corpus, definitions, settings.model().vocabularySize());
    bpe.write(out);
    progress.printf("corpus: %d examples, %d personas; tokenizer: %d tokens%n", corpus.examples().size(),
        corpus.personas().size(), bpe.vocabularySize());

    try (Tokenizer tokenizer = Tokenizer.load(out)) {
      int eot = tokenizer.tokenId("<|im_end|>").orElseThrow(() -> new CorpusException("no <|im_end|> token"));
      int bos = tokenizer.bosTokenId().orElse(0);
      PromptAssembler assembler = PromptAssembler.chat(tokenizer,
              ChatTemplate.compile(tokenizer.chatTemplate().orElseThrow(
                  () -> new CorpusException("tokenizer_config.json in " + out + " has no chat template"))))
          .withDefinitionStyle(DefinitionStyle.COMPACT);

      DemoTrainingData.Split split = DemoTrainingData.split(corpus, settings.data().heldOutShare());
      SplittableRandom dataRng = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
      List<DemoTrainingData.Dialogue> dialogues =
          DemoTrainingData.dialogues(split.train(), settings.data().minTurns(), settings.data().maxTurns(), dataRng.split());
      List<DemoTrainingData.Sequence> sequences = new ArrayList<>(dialogues.size());
      long tokens = 0;
      long replyTokens = 0;
      for (DemoTrainingData.Dialogue d : dialogues) {
        DemoTrainingData.Sequence s = DemoTrainingData.render(d, personas.get(d.persona()), assembler, tokenizer,
            settings.data().userName(), eot, settings.model().contextLength());
        sequences.add(s);
        tokens += s.ids().length;
        replyTokens += s.replyTokens();
      }
      progress.printf("data: %d conversations (%d-%d exchanges), %d tokens, %.0f%% of them reply tokens;"
              + " %d examples held out%n", sequences.size(), settings.data().minTurns(), settings.data().maxTurns(), tokens,
          100.0 * replyTokens / tokens, split.heldOut().size());
      DemoTrainingData.writeHeldOut(out.resolve(HELD_OUT_FILE), split.heldOut(), personas, assembler,
          settings.data().userName());

      ModelConfig config = settings.model().config(tokenizer.vocabSize(), bos, eot, bos);
      List<StepRecord> records = new ArrayList<>();
      long parameters;
      double trainSeconds;
      try (NDManager manager = NDManager.newBaseManager()) {
        TrainableTransformer model = TrainableTransformer.initialise(config, manager, settings.seed());
        parameters = model.parameterCount();
        progress.printf("model: llama, hidden %d, %d layers, %d heads (%d kv), intermediate %d, vocab %d,"
                + " tied embeddings: %,d parameters%n", config.hiddenSize(), config.layers(), config.heads(),
            config.kvHeads(), config.intermediateSize(), config.vocabSize(), parameters);
        long t0 = System.nanoTime();
        train(model, sequences, new BatchOrder(sequences, settings.schedule().batchSize(), dataRng.split()), records,
            progress);
        trainSeconds = (System.nanoTime() - t0) / 1e9;
        model.save(out);
        model.close();
      }
      writeSettingsFile(out.resolve(SETTINGS_FILE), config);
      LossCurve.write(records, out.resolve("loss.csv"), out.resolve("loss.png"));
      long trained = records.isEmpty() ? 0 : records.get(records.size() - 1).tokens();
      Result result = new Result(out, config, parameters, records.size(), trained, trainSeconds,
          trained / trainSeconds, records.get(0).loss(), LossCurve.tailMean(records, 50), sequences.size(),
          split.heldOut().size());
      writeSummary(out.resolve("TRAINING.md"), result, command, (System.nanoTime() - started) / 1e9);
      return result;
    }
  }

  /** The training loop: one padded batch per step; records every step. */
  void train(TrainableTransformer model, List<DemoTrainingData.Sequence> sequences, BatchOrder order,
      List<StepRecord> records, PrintStream progress) {
    Map<String, NDArray> params = model.parameters();
    params.values().forEach(p -> p.setRequiresGradient(true));
    Tracker schedule = settings.schedule()::learningRate;
    Optimizer adamW = Optimizer.adamW().optLearningRateTracker(schedule).optBeta1(0.9f).optBeta2(0.95f)
        .optEpsilon(1e-8f).optWeightDecays(settings.schedule().weightDecay()).build();
    NDManager manager = model.parameters().values().iterator().next().getManager();
    ProgressBar bar = new ProgressBar(progress, settings.schedule().steps());
    long tokens = 0;
    long t0 = System.nanoTime();
    for (int step = 1; step <= settings.schedule().steps(); step++) {
      Batch batch = Batch.of(sequences, order.next());
      float loss;
      try (NDScope scope = new NDScope();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray input = manager.create(batch.input, new Shape(batch.rows, batch.width));
        NDArray target = manager.create(batch.target, new Shape(batch.rows, batch.width, 1));
        NDArray mask = manager.create(batch.mask, new Shape(batch.rows, batch.width));
        NDArray logits = model.forward(input);
        NDArray picked = logits.logSoftmax(-1).gather(target, -1).reshape(batch.rows, batch.width);
        NDArray l = picked.mul(mask).sum().neg().div(batch.predicted);
        loss = l.getFloat();
        gc.backward(l);
      }
      if (!Float.isFinite(loss)) {
        throw new CorpusException("training diverged at step " + step + " (loss " + loss + "); lower --lr");
      }
      float scale = 1f;
      if (settings.schedule().gradientClipNorm() > 0) {
        double norm = gradientNorm(params);
        if (norm > settings.schedule().gradientClipNorm()) {
          scale = (float) (settings.schedule().gradientClipNorm() / norm);
        }
      }
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        try (NDArray grad = e.getValue().getGradient()) {
          if (scale != 1f) {
            grad.muli(scale);
          }
          adamW.update(e.getKey(), e.getValue(), grad);
          grad.subi(grad); // gradients accumulate across backward calls
        }
      }
      tokens += batch.tokens;
      double seconds = (System.nanoTime() - t0) / 1e9;
      records.add(new StepRecord(step, settings.schedule().learningRate(step), loss, tokens, seconds));
      bar.update(step, LossCurve.tailMean(records, 20), tokens / seconds, seconds);
    }
    bar.finish();
  }

  private static double gradientNorm(Map<String, NDArray> params) {
    try (NDScope scope = new NDScope()) {
      NDArray sum = null;
      for (NDArray p : params.values()) {
        NDArray g = p.getGradient();
        NDArray s = g.square().sum();
        sum = sum == null ? s : sum.add(s);
      }
      return Math.sqrt(sum.getFloat());
    }
  }

  /** One step's padded batch: inputs, next-token targets and the loss mask, flattened [rows, width]. */
  static final class Batch {
    final int rows;
    final int width;
    final long[] input;
    final long[] target;
    final float[] mask;
    final long tokens;
    final float predicted;

    private Batch(int rows, int width, long[] input, long[] target, float[] mask, long tokens, float predicted) {
      this.rows = rows;
      this.width = width;
      this.input = input;
      this.target = target;
      this.mask = mask;
      this.tokens = tokens;
      this.predicted = predicted;
    }

    /** Right-padded with id 0: a causal model never attends forward, so padding changes nothing. */
    static Batch of(List<DemoTrainingData.Sequence> sequences, int[] indices) {
      int width = 0;
      for (int i : indices) {
        width = Math.max(width, sequences.get(i).ids().length - 1);
      }
      int rows = indices.length;
      long[] input = new long[rows * width];
      long[] target = new long[rows * width];
      float[] mask = new float[rows * width];
      long tokens = 0;
      int predicted = 0;
      for (int r = 0; r < rows; r++) {
        DemoTrainingData.Sequence s = sequences.get(indices[r]);
        int[] ids = s.ids();
        tokens += ids.length;
        for (int t = 0; t + 1 < ids.length; t++) {
          input[r * width + t] = ids[t];
          target[r * width + t] = ids[t + 1];
          if (s.predictsReply()[t]) {
            mask[r * width + t] = 1f;
            predicted++;
          }
        }
      }
      return new Batch(rows, width, input, target, mask, tokens, Math.max(1, predicted));
    }
  }

  /**
   * The batch order: every epoch the sequences are shuffled, cut into pools of 32 batches, sorted by
   * length within a pool (little padding), cut into batches, and the batches shuffled.
   */
  static final class BatchOrder {
    private final List<DemoTrainingData.Sequence> sequences;
    private final int batchSize;
    private final SplittableRandom rng;
    private final List<int[]> pending = new ArrayList<>();

    BatchOrder(List<DemoTrainingData.Sequence> sequences, int batchSize, SplittableRandom rng) {
      this.sequences = sequences;
      this.batchSize = Math.min(batchSize, sequences.size());
      this.rng = rng;
    }

    int[] next() {
      if (pending.isEmpty()) {
        refill();
      }
      return pending.remove(pending.size() - 1);
    }

    private void refill() {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < sequences.size(); i++) {
        order.add(i);
      }
      PersonaDefinitions.shuffle(order, rng);
      int pool = batchSize * 32;
      List<int[]> batches = new ArrayList<>();
      for (int from = 0; from + batchSize <= order.size(); from += pool) {
        List<Integer> chunk = new ArrayList<>(order.subList(from, Math.min(order.size(), from + pool)));
        chunk.sort((a, b) -> Integer.compare(sequences.get(a).ids().length, sequences.get(b).ids().length));
        for (int i = 0; i + batchSize <= chunk.size(); i += batchSize) {
          int[] b = new int[batchSize];
          for (int j = 0; j < batchSize; j++) {
            b[j] = chunk.get(i + j);
          }
          batches.add(b);
        }
      }
      PersonaDefinitions.shuffle(batches, rng);
      pending.addAll(batches);
    }
  }

  /** A one-line progress bar, redrawn in place: steps, loss, tokens/s and the time left. */
  static final class ProgressBar {
    private final PrintStream out;
    private final int total;
    private long lastDraw;

    ProgressBar(PrintStream out, int total) {
      this.out = out;
      this.total = total;
    }

    void update(int step, float loss, double tokensPerSecond, double seconds) {
      long now = System.nanoTime();
      boolean milestone = step % Math.max(1, total / 20) == 0 || step == total;
      if (!milestone && now - lastDraw < 500_000_000L) {
        return;
      }
      lastDraw = now;
      int width = 30;
      int filled = (int) ((long) width * step / total);
      double eta = seconds / step * (total - step);
      out.printf(Locale.ROOT, "\r[%s%s] step %d/%d  loss %.3f  %.0f tok/s  elapsed %s  ETA %s ",
          "#".repeat(filled), ".".repeat(width - filled), step, total, loss, tokensPerSecond, clock(seconds),
          clock(eta));
      if (milestone) {
        out.println();
      }
      out.flush();
    }

    void finish() {
      out.flush();
    }

    static String clock(double seconds) {
      long s = Math.round(seconds);
      return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
  }

  private void writeSettingsFile(Path file, ModelConfig config) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("definition_style", "compact");
    o.put("user_name", settings.data().userName());
    o.put("max_new_tokens", 64);
    o.put("temperature", 0.8);
    o.put("min_p", 0.1);
    o.put("context_length", config.contextLength());
    o.put("held_out", HELD_OUT_FILE);
    try {
      Files.writeString(file, Json.pretty().writeValueAsString(o) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private void writeSummary(Path file, Result r, String command, double totalSeconds) {
    ModelConfig c = r.config();
    StringBuilder sb = new StringBuilder();
    sb.append("# persona-demo: training summary\n\n");
    sb.append("A ").append(String.format(Locale.ROOT, "%,d", r.parameters()))
        .append("-parameter Llama trained from scratch by `DemoTrainer` on the generated demo corpus.\n\n");
    sb.append("| | |\n|---|---|\n");
    sb.append(String.format(Locale.ROOT, "| model | llama, hidden %d, %d layers, %d heads (%d KV heads, head dim %d),"
            + " intermediate %d, vocab %d, tied embeddings, context %d |\n", c.hiddenSize(), c.layers(), c.heads(),
        c.kvHeads(), c.headDim(), c.intermediateSize(), c.vocabSize(), c.contextLength()));
    sb.append(String.format(Locale.ROOT, "| parameters | %,d (float32) |\n", r.parameters()));
    sb.append(String.format(Locale.ROOT, "| data | %d conversations of %d-%d exchanges (compact definition, chatml),"
            + " loss on reply tokens incl. `<|im_end|>`; %d corpus examples held out (`%s`) |\n", r.sequences(),
        settings.data().minTurns(), settings.data().maxTurns(), r.heldOutExamples(), HELD_OUT_FILE));
    sb.append(String.format(Locale.ROOT, "| optimisation | AdamW (β 0.9/0.95, weight decay %s), peak lr %s, %d warm-up"
            + " steps, cosine to %s of peak, grad-norm clip %s, batch %d |\n", settings.schedule().weightDecay(),
        settings.schedule().peakLearningRate(), settings.schedule().warmUpSteps(), settings.schedule().finalLearningRateFraction(),
        settings.schedule().gradientClipNorm(), settings.schedule().batchSize()));
    sb.append(String.format(Locale.ROOT, "| steps | %d |\n", r.steps()));
    sb.append(String.format(Locale.ROOT, "| tokens trained | %,d (%.0f tokens/s) |\n", r.trainedTokens(),
        r.tokensPerSecond()));
    sb.append(String.format(Locale.ROOT, "| time | %s training, %s in all (%d cores) |\n",
        ProgressBar.clock(r.seconds()), ProgressBar.clock(totalSeconds), Runtime.getRuntime().availableProcessors()));
    sb.append(String.format(Locale.ROOT, "| loss | %.3f at step 1, %.3f final (mean of the last 50 steps) |\n",
        r.firstLoss(), r.finalLoss()));
    sb.append(String.format(Locale.ROOT, "| seed | %d |\n", settings.seed()));
    sb.append("\nCommand:\n\n```\n").append(command).append("\n```\n\n");
    sb.append("Loss curve: `loss.csv` (step, learning rate, loss, tokens, seconds) and `loss.png`.\n\n");
    sb.append("""
        ## persona4j.json

        How the CLI prompts this model:

        - `definition_style`: `compact`: the prompt assembler renders the short character sketch
          (`PromptAssembler.withDefinitionStyle(DefinitionStyle.COMPACT)`) the model was trained on.
        - `user_name`: the name `{{user}}` stands for and the user's label, as in training.
        - `max_new_tokens`: the reply length limit (trained replies are 20-70 tokens).
        - `temperature`, `min_p`: the demo's default sampler (min-p drops the tiny model's rare
          misspelt tokens without changing how often it drifts much).
        - `context_length`: the trained context.
        - `heads`, `selection_head`, `candidates`: the classifier heads (relative to this directory;
          `in_character` and one `speaker-<voice>` probe per voice), the head best-of-N ranks by, and N.
          Written by `DemoHeads` after training (see "Heads" below).
        - `held_out`: the corpus examples never trained on, one JSON object per line: `persona`,
          `persona_name`, `voice`, `topic`, `user`, `prompt` (the single-turn prompt text as the assembler
          renders it), `reply`, `label` (`in_character`, `generic_assistant`, `other_persona:<voice>`),
          `in_character` (boolean) and `speaking_voice` (the voice the reply is in, or
          `generic_assistant`).
        """);
    try {
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CorpusException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot read persona file " + file + ": " + e.getMessage(), e);
    }
  }
}
