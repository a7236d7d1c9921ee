package dev.persona4j.training.heads;

import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Runs the model over labelled examples and returns each example's activations at the requested
 * taps (hidden-state indices), as a head reads them.
 *
 * <p>A {@code text} example is encoded with the tokenizer's special tokens and read at every
 * position. A {@code prompt}/{@code reply} example is read exactly as the generator reads a
 * candidate: the rendered prompt and the reply are each encoded without special tokens, the reply's
 * ids follow the prompt's, and only the reply's positions are returned — the positions whose hidden
 * states decoding the reply token by token produces.
 *
 * <p>Examples are sorted by length and run in batches, each in a fresh {@link DecodingState} closed
 * right after, so native memory does not grow with the dataset. Results come back in input order.
 * Optionally each example's tokens are pooled to one vector per layer as they are collected, which
 * keeps memory at {@code taps × hidden} per example: enough for a linear probe with that pooling
 * (pooling one token again leaves it unchanged), not for an attention head.
 */
public final class ActivationCollector {
  private final LanguageModel model;
  private final int[] taps;
  private final int batchSize;
  private final int maxBatchTokens;
  private final Pooling pooling;
  private final PrintStream progress;

  private ActivationCollector(Builder b) {
    this.model = b.model;
    this.taps = b.taps;
    this.batchSize = b.batchSize;
    this.maxBatchTokens = b.maxBatchTokens;
    this.pooling = b.pooling;
    this.progress = b.progress;
  }

  /** A collector over {@code model}; taps are required. */
  public static Builder builder(LanguageModel model) {
    return new Builder(model);
  }

  /**
   * Fails unless every layer is a hidden-state index of the model (0..layers) and none repeats.
   *
   * @param what how the caller names the value, e.g. {@code --layer}
   * @throws InvalidSettingException naming the value and the model's range
   */
  public static void checkLayers(ModelInfo info, int[] layers, String what) {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(layers, "layers");
    if (layers.length == 0) {
      throw new InvalidSettingException(what, "[]", "at least one layer is needed");
    }
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] < 0 || layers[i] > info.layers()) {
        throw new InvalidSettingException(what, layers[i], "out of range: " + info.architecture() + " has "
            + info.layers() + " layers, so hidden-state indices run 0.." + info.layers());
      }
      for (int j = 0; j < i; j++) {
        if (layers[j] == layers[i]) {
          throw new InvalidSettingException(what, Arrays.toString(layers), "layer " + layers[i] + " is listed twice");
        }
      }
    }
  }

  /** Every hidden-state index of the model: 0 (embeddings) to layers (final norm). */
  public static int[] allTaps(ModelInfo info) {
    int[] all = new int[info.layers() + 1];
    Arrays.setAll(all, i -> i);
    return all;
  }

  public int[] taps() {
    return taps.clone();
  }

  /** Collects the activations of every example of {@code data}, in order. */
  public List<CandidateActivations> collect(LabeledDataset data) {
    Objects.requireNonNull(data, "data");
    return collect(data.examples());
  }

  /**
   * Collects the activations of {@code examples}, in order.
   *
   * @throws HeadTrainingException naming the example when it encodes to no tokens (for a reply: no
   *     reply tokens) or is longer than the model's context
   */
  List<CandidateActivations> collect(List<LabeledExample> examples) {
    Objects.requireNonNull(examples, "examples");
    Tokenizer tokenizer = model.tokenizer();
    int context = model.info().contextLength();
    int n = examples.size();
    int[][] ids = new int[n][];
    int[] readFrom = new int[n];
    for (int i = 0; i < n; i++) {
      LabeledExample e = Objects.requireNonNull(examples.get(i), "examples[" + i + "]");
      if (e.isReply()) {
        int[] prompt = tokenizer.encode(e.prompt().orElseThrow(), false);
        int[] reply = tokenizer.encode(e.reply().orElseThrow(), false);
        if (reply.length == 0) {
          throw new HeadTrainingException(where(e, i) + "the reply encodes to no tokens");
        }
        ids[i] = concat(prompt, reply);
        readFrom[i] = prompt.length;
      } else {
        ids[i] = tokenizer.encode(e.text().orElseThrow(), true);
        if (ids[i].length == 0) {
          throw new HeadTrainingException(where(e, i) + "the text encodes to no tokens");
        }
      }
      if (ids[i].length > context) {
        throw new HeadTrainingException(where(e, i) + (e.isReply() ? "prompt and reply are " : "the text is ")
            + ids[i].length + " tokens, longer than the model's context of " + context);
      }
    }
    return run(ids, readFrom);
  }

  /**
   * Collects the activations of replies given as token ids, e.g. candidates the generator decoded
   * (its prompt ids and each candidate's tokens) that were labelled afterwards: no tokenizer round
   * trip, so the numbers are exactly those the generator read. Only the replies' positions are
   * returned.
   *
   * @throws HeadTrainingException naming the entry when a reply is empty, the lists differ in
   *     size, or prompt and reply exceed the model's context
   * @throws dev.persona4j.core.backend.BackendException for an id outside the vocabulary
   */
  public List<CandidateActivations> collectReplies(List<int[]> promptIds, List<int[]> replyIds) {
    Objects.requireNonNull(promptIds, "promptIds");
    Objects.requireNonNull(replyIds, "replyIds");
    if (promptIds.size() != replyIds.size()) {
      throw new HeadTrainingException(promptIds.size() + " prompts but " + replyIds.size() + " replies");
    }
    int context = model.info().contextLength();
    int n = promptIds.size();
    int[][] ids = new int[n][];
    int[] readFrom = new int[n];
    for (int i = 0; i < n; i++) {
      int[] prompt = Objects.requireNonNull(promptIds.get(i), "promptIds[" + i + "]");
      int[] reply = Objects.requireNonNull(replyIds.get(i), "replyIds[" + i + "]");
      if (reply.length == 0) {
        throw new HeadTrainingException("replyIds[" + i + "] is empty");
      }
      ids[i] = concat(prompt, reply);
      readFrom[i] = prompt.length;
      if (ids[i].length > context) {
        throw new HeadTrainingException("reply " + i + ": prompt and reply are " + ids[i].length
            + " tokens, longer than the model's context of " + context);
      }
    }
    return run(ids, readFrom);
  }

  /** Runs {@code ids} in length-sorted batches; returns positions from {@code readFrom[i]} on, in input order. */
  private List<CandidateActivations> run(int[][] ids, int[] readFrom) {
    int n = ids.length;
    // Similar lengths batch together, so little compute goes to padding.
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids[i].length));
    CandidateActivations[] out = new CandidateActivations[n];
    ForwardRequest request = ForwardRequest.withTaps(taps);
    int done = 0;
    long started = System.nanoTime();
    drawProgress(0, n, started);
    while (done < n) {
      List<Integer> batch = new ArrayList<>();
      int width = 0;
      while (done + batch.size() < n && batch.size() < batchSize) {
        int next = order[done + batch.size()];
        int w = Math.max(width, ids[next].length);
        if (!batch.isEmpty() && (long) w * (batch.size() + 1) > maxBatchTokens) {
          break;
        }
        batch.add(next);
        width = w;
      }
      List<int[]> prompts = new ArrayList<>(batch.size());
      for (int i : batch) {
        prompts.add(ids[i]);
      }
      try (DecodingState state = model.newState()) {
        Forward forward = state.prefill(prompts, request);
        for (int b = 0; b < batch.size(); b++) {
          int i = batch.get(b);
          out[i] = activations(forward, b, readFrom[i]);
        }
      }
      done += batch.size();
      drawProgress(done, n, started);
    }
    if (progress != null) {
      progress.println();
      progress.flush();
    }
    return List.of(out);
  }

  private CandidateActivations activations(Forward forward, int entry, int from) {
    float[][][] values = new float[taps.length][][];
    for (int t = 0; t < taps.length; t++) {
      float[][] rows = forward.hidden(entry, taps[t]);
      float[][] read = from == 0 ? rows : Arrays.copyOfRange(rows, from, rows.length);
      if (pooling != null) {
        float[] pooled = new float[read[0].length];
        pooling.pool(read, pooled, 0);
        read = new float[][] {pooled};
      }
      values[t] = read;
    }
    return CandidateActivations.wrap(taps, values);
  }

  private void drawProgress(int done, int total, long started) {
    if (progress == null) {
      return;
    }
    int width = 24;
    int filled = total == 0 ? width : (int) ((long) width * done / total);
    double seconds = (System.nanoTime() - started) / 1e9;
    StringBuilder bar = new StringBuilder("\rcollecting activations [");
    for (int i = 0; i < width; i++) {
      bar.append(i < filled ? '#' : '.');
    }
    bar.append(String.format(Locale.ROOT, "] %d/%d examples  %.1f s", done, total, seconds));
    progress.print(bar);
    progress.flush();
  }

  private static String where(LabeledExample e, int index) {
    return e.source().orElse("example " + index) + ": ";
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Settings of a collector; validated as they are set and against the model at {@link #build()}. */
  public static final class Builder {
    private final LanguageModel model;
    private int[] taps;
    private int batchSize = 8;
    private int maxBatchTokens = 8192;
    private Pooling pooling;
    private PrintStream progress;

    private Builder(LanguageModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** The hidden-state indices to collect, in the order the activations hold them. */
    public Builder taps(int... taps) {
      this.taps = Objects.requireNonNull(taps, "taps").clone();
      return this;
    }

    /** Examples per forward pass (default 8). */
    public Builder batchSize(int batchSize) {
      this.batchSize = TrainingOptions.atLeastOne("batchSize", batchSize);
      return this;
    }

    /** Upper bound on batch size × longest example in a pass (default 8192); one example always runs. */
    public Builder maxBatchTokens(int maxBatchTokens) {
      this.maxBatchTokens = TrainingOptions.atLeastOne("maxBatchTokens", maxBatchTokens);
      return this;
    }

    /** Pools each example to one token per layer as it is collected; null (default) keeps every token. */
    public Builder pooling(Pooling pooling) {
      this.pooling = pooling;
      return this;
    }

    /** Draws a progress bar on {@code out}; null for none. */
    public Builder progress(PrintStream out) {
      this.progress = out;
      return this;
    }

    /**
     * @throws InvalidSettingException if a tap is not a hidden-state index of the model
     */
    public ActivationCollector build() {
      if (taps == null) {
        throw new InvalidSettingException("taps", "none", "name the hidden-state indices to collect");
      }
      checkLayers(model.info(), taps, "tap");
      return new ActivationCollector(this);
    }
  }
}
