package dev.persona4j.engine;

import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A decoder-only model's weights, as its {@link Architecture} names them, and the forward pass over
 * a batch of token columns (any mix of sequences and positions), computed as transformers does in
 * float32:
 *
 * <pre>
 *   x = embed(ids) (+ learned positions)
 *   per layer:  h = x + out(attention(rotary(qNorm(q), kNorm(k)), v))   q, k, v = qkv(attentionNorm(x))
 *               x = h + down(act(gate) · up)   gate, up = gateUp(mlpNorm(h))   (ungated: down(act(up)))
 *   logits = lmHead(finalNorm(x))
 * </pre>
 *
 * Weights stay as stored (norm weights are applied to the activations, not folded into the
 * matrices, which would round them again); each column's keys and values go to its sequence's
 * {@link KvCache} pages before attention reads them, so a prefill of several prompts needs no
 * padding and a step of several sequences none either. Immutable; passes may run concurrently.
 */
final class Transformer {
  private static final VectorSpecies<Float> F = PanelMatrix.F;
  private static final int P = F.length();
  /** The {@code rope_type} values {@link ModelConfig#rotaryInverseFrequencies()} computes. */
  private static final Set<String> ROPE_TYPES = Set.of("default", "linear", "llama3");
  private final ModelConfig config;
  private final int hidden;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int qDim;
  private final int kvDim;
  private final int intermediate;
  private final int window;
  private final boolean gated;
  private final float scale;
  private final Activation activation;
  private final WeightMatrix embed;
  /** GPT-2's learned position table [context, hidden], or null (rotary). */
  private final WeightMatrix learnedPositions;
  private final float[] inverseFrequencies;
  private final int rotaryHalf;
  private final Layer[] layers;
  private final Norm finalNorm;
  private final Projection head;
  private final long bytes;

  /** RMSNorm (bias null) or LayerNorm over one vector. */
  record Norm(float[] weight, float[] bias, float eps) {
    void apply(float[] x, int offset, int n, float[] out, int outOffset) {
      if (bias == null) {
        double squares = 0;
        for (int i = 0; i < n; i++) {
          squares += (double) x[offset + i] * x[offset + i];
        }
        float inv = (float) (1 / Math.sqrt((float) (squares / n) + eps));
        for (int i = 0; i < n; i++) {
          out[outOffset + i] = weight[i] * (x[offset + i] * inv);
        }
        return;
      }
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += x[offset + i];
      }
      float mean = (float) (sum / n);
      double var = 0;
      for (int i = 0; i < n; i++) {
        float d = x[offset + i] - mean;
        var += (double) d * d;
      }
      float inv = (float) (1 / Math.sqrt((float) (var / n) + eps));
      for (int i = 0; i < n; i++) {
        out[outOffset + i] = (x[offset + i] - mean) * inv * weight[i] + bias[i];
      }
    }
  }

  /** One decoder layer; the q/k norms are null without per-head norms (Qwen3's). */
  private record Layer(Norm attentionNorm, Projection qkv, Norm queryNorm, Norm keyNorm, Projection out, Norm mlpNorm,
      Projection gateUp, Projection down) {}

  private Transformer(ModelConfig c, Architecture a, WeightSource w, int threads) {
    this.config = c;
    this.hidden = c.hiddenSize();
    this.heads = c.heads();
    this.kvHeads = c.kvHeads();
    this.headDim = c.headDim();
    this.qDim = heads * headDim;
    this.kvDim = kvHeads * headDim;
    this.intermediate = c.intermediateSize();
    this.window = c.slidingWindow().orElse(Integer.MAX_VALUE);
    this.gated = a.gated();
    this.scale = (float) (1 / Math.sqrt(headDim));
    this.activation = Activation.of(c.hiddenAct());
    float eps = (float) c.normEps();
    boolean rms = a.norm() == Architecture.Norm.RMS_NORM;
    boolean conv1d = a.layout() == Architecture.Layout.IN_OUT;
    long total = 0;
    this.embed = w.matrix(a.embedTokens(), c.vocabSize(), hidden);
    total += embed.bytes();
    if (a.positions() == Architecture.Positions.LEARNED) {
      learnedPositions = w.matrix(a.positionEmbeddings().orElseThrow(), c.contextLength(), hidden);
      total += learnedPositions.bytes();
      inverseFrequencies = null;
      rotaryHalf = 0;
    } else {
      learnedPositions = null;
      inverseFrequencies = c.rotaryInverseFrequencies();
      rotaryHalf = c.rotaryDim() / 2;
    }
    layers = new Layer[c.layers()];
    for (int i = 0; i < layers.length; i++) {
      String p = a.layer(i);
      boolean qkvBias = a.qkvBias().present(c.attentionBias());
      boolean mlpBias = a.mlpBias().present(c.mlpBias());
      int[] qkvRows = a.fusedQkv() ? new int[] {qDim + 2 * kvDim} : new int[] {qDim, kvDim, kvDim};
      int[] gateUpRows = a.gateUp().size() == 1 ? new int[] {gated ? 2 * intermediate : intermediate} : new int[] {intermediate, intermediate};
      Projection qkv = projection(w, p, a.qkv(), qkvRows, hidden, qkvBias, conv1d, threads);
      Projection out = projection(w, p, List.of(a.attentionOut()), new int[] {hidden}, qDim, a.outBias().present(c.attentionBias()), conv1d, threads);
      Projection gateUp = projection(w, p, a.gateUp(), gateUpRows, hidden, mlpBias, conv1d, threads);
      Projection down = projection(w, p, List.of(a.down()), new int[] {hidden}, intermediate, mlpBias, conv1d, threads);
      Norm qNorm = a.queryNorm().isEmpty() ? null : new Norm(w.vector(p + a.queryNorm().get() + ".weight", headDim), null, eps);
      Norm kNorm = a.keyNorm().isEmpty() ? null : new Norm(w.vector(p + a.keyNorm().get() + ".weight", headDim), null, eps);
      layers[i] = new Layer(norm(w, p + a.attentionNorm(), rms, eps), qkv, qNorm, kNorm, out, norm(w, p + a.mlpNorm(), rms, eps), gateUp, down);
      total += qkv.bytes() + out.bytes() + gateUp.bytes() + down.bytes();
    }
    finalNorm = norm(w, a.finalNorm(), rms, eps);
    WeightMatrix lmHead = c.tieWordEmbeddings() ? embed : w.matrix(a.lmHead(), c.vocabSize(), hidden);
    if (!c.tieWordEmbeddings()) {
      total += lmHead.bytes();
    }
    head = new Projection(List.of(lmHead), null, threads);
    bytes = total;
  }

  /**
   * Reads a model's weights.
   *
   * @param threads the threads that will run its products (for the chunking of rows)
   * @throws CheckpointException naming the file and field or tensor this engine cannot run
   */
  static Transformer load(ModelConfig config, Path configFile, WeightSource weights, int threads) {
    checkSupported(config, configFile);
    return new Transformer(config, Architecture.of(config.modelType()).orElseThrow(), weights, threads);
  }

  /** @throws CheckpointException naming config.json and the field this engine cannot run */
  static void checkSupported(ModelConfig config, Path file) {
    if (Architecture.of(config.modelType()).isEmpty()) {
      throw new CheckpointException(file, "model_type", "'" + config.modelType() + "' is not supported; supported: " + String.join(", ", Architecture.modelTypes()));
    }
    if (Activation.of(config.hiddenAct()) == null) {
      throw new CheckpointException(file, config.modelType().equals("gpt2") ? "activation_function" : "hidden_act", "activation '" + config.hiddenAct() + "' is not supported");
    }
    if (!ROPE_TYPES.contains(config.ropeType())) {
      throw new CheckpointException(file, "rope_scaling.rope_type", "'" + config.ropeType() + "' is not supported (supported: default, linear, llama3)");
    }
  }

  private Norm norm(WeightSource w, String module, boolean rms, float eps) {
    return new Norm(w.vector(module + ".weight", hidden), rms ? null : w.vector(module + ".bias", hidden), eps);
  }

  private Projection projection(WeightSource w, String prefix, List<String> modules, int[] rows, int in, boolean withBias,
      boolean conv1d, int threads) {
    List<WeightMatrix> parts = new ArrayList<>();
    float[] bias = null;
    if (withBias) {
      int total = 0;
      for (int r : rows) {
        total += r;
      }
      bias = new float[total];
    }
    int at = 0;
    for (int i = 0; i < modules.size(); i++) {
      String name = prefix + modules.get(i);
      parts.add(conv1d ? w.transposed(name + ".weight", in, rows[i]) : w.matrix(name + ".weight", rows[i], in));
      if (withBias) {
        System.arraycopy(w.vector(name + ".bias", rows[i]), 0, bias, at, rows[i]);
      }
      at += rows[i];
    }
    return new Projection(parts, bias, threads);
  }

  /**
   * Per layer, what to add to the residual stream entering it and the cap applied after (arrays of
   * length layers, null where nothing; the whole array null when nothing at all).
   *
   * @param steering [hidden] sums of coefficient × direction
   * @param capDirections unit vectors [hidden]
   * @param capThresholds the thresholds of those caps
   */
  record Hooks(float[][] steering, float[][] capDirections, float[] capThresholds) {}

  /**
   * Runs n token columns through the stack: column i is token {@code tokens[i]} at position {@code
   * positions[i]} of the sequence whose cache is {@code sequences[i]} (its pages made writable at
   * that position; earlier positions computed). Every column's keys and values are stored before
   * any column of the same layer attends, so columns of one sequence in one pass see each other
   * causally.
   *
   * @param taps indexed 0..layers: where non-null, filled with a copy of each column's hidden state
   *     (output_hidden_states semantics)
   * @return the final norm's output [n][hidden]
   */
  float[][] run(Workers workers, int[] tokens, int[] positions, KvCache.Sequence[] sequences, Hooks hooks, float[][][] taps) {
    int n = tokens.length;
    float[][] x = new float[n][hidden];
    perColumn(workers, n, c -> {
      embed.row(tokens[c], x[c], 0);
      if (learnedPositions != null) {
        float[] p = new float[hidden];
        learnedPositions.row(positions[c], p, 0);
        for (int i = 0; i < hidden; i++) {
          x[c][i] += p[i];
        }
      }
    });
    float[][] rotary = rotaryTables(positions);
    float[][] normed = new float[n][hidden];
    float[][] qkv = new float[n][qDim + 2 * kvDim];
    float[][] attended = new float[n][qDim];
    float[][] delta = new float[n][hidden];
    float[][] gateUp = new float[n][layers[0].gateUp.out()];
    float[][] inner = gated ? new float[n][intermediate] : gateUp;
    float[][] interleave = PanelMatrix.interleaveBuffers(n, Math.max(Math.max(hidden, qDim), intermediate));
    int slice = sliceColumns(n, workers.threads());
    int slices = (n + slice - 1) / slice;
    for (int l = 0; l < layers.length; l++) {
      Layer layer = layers[l];
      applyHooks(hooks, l, x);
      capture(taps, l, x);
      final int li = l;
      perColumn(workers, n, c -> layer.attentionNorm.apply(x[c], 0, hidden, normed[c], 0));
      layer.qkv.apply(workers, normed, n, qkv, interleave);
      perColumn(workers, n, c -> {
        positionAndStore(layer, li, qkv[c], positions[c], rotary == null ? null : rotary[c], sequences[c]);
      });
      workers.forEach(slices * kvHeads, task -> {
        int c0 = task / kvHeads * slice;
        attend(li, c0, Math.min(n, c0 + slice), task % kvHeads, qkv, positions, sequences, attended);
      });
      layer.out.apply(workers, attended, n, delta, interleave);
      perColumn(workers, n, c -> {
        add(x[c], delta[c]);
        layer.mlpNorm.apply(x[c], 0, hidden, normed[c], 0);
      });
      layer.gateUp.apply(workers, normed, n, gateUp, interleave);
      perColumn(workers, n, c -> activation.apply(gateUp[c], gated ? intermediate : -1, inner[c], intermediate));
      layer.down.apply(workers, inner, n, delta, interleave);
      perColumn(workers, n, c -> add(x[c], delta[c]));
    }
    perColumn(workers, n, c -> finalNorm.apply(x[c], 0, hidden, normed[c], 0));
    capture(taps, layers.length, normed);
    return normed;
  }

  /** Logits [n][vocab] of final-norm outputs. */
  float[][] logits(Workers workers, float[][] normed, int n) {
    float[][] out = new float[n][head.out()];
    head.apply(workers, normed, n, out);
    return out;
  }

  /**
   * Columns this few are done on the calling thread: waking the pool's threads for a few
   * microseconds of norms or adds costs more than the work (and a decode step has some 300 such
   * phases).
   */
  private static final int INLINE_COLUMNS = 16;

  /** {@code body} for each column, split over the threads only for a pass of many columns (a prefill). */
  private static void perColumn(Workers workers, int n, java.util.function.IntConsumer body) {
    if (n <= INLINE_COLUMNS) {
      for (int c = 0; c < n; c++) {
        body.accept(c);
      }
    } else {
      workers.forEach(n, body);
    }
  }

  private static void add(float[] x, float[] delta) {
    for (int i = 0; i < x.length; i++) {
      x[i] += delta[i];
    }
  }

  private static void capture(float[][][] taps, int tap, float[][] x) {
    if (taps != null && taps[tap] != null) {
      for (int c = 0; c < x.length; c++) {
        taps[tap][c] = x[c].clone();
      }
    }
  }

  /** Steering, then capping: x ← x + max(0, τ − x·d)·d. */
  private static void applyHooks(Hooks hooks, int layer, float[][] x) {
    if (hooks == null) {
      return;
    }
    float[] add = hooks.steering[layer];
    if (add != null) {
      for (float[] row : x) {
        for (int i = 0; i < row.length; i++) {
          row[i] += add[i];
        }
      }
    }
    float[] d = hooks.capDirections[layer];
    if (d != null) {
      float threshold = hooks.capThresholds[layer];
      for (float[] row : x) {
        float projection = 0;
        for (int i = 0; i < row.length; i++) {
          projection += row[i] * d[i];
        }
        float deficit = Math.max(0f, threshold - projection);
        if (deficit > 0f) {
          for (int i = 0; i < row.length; i++) {
            row[i] += deficit * d[i];
          }
        }
      }
    }
  }

  /** Per column, cos then sin of each rotary frequency at the column's position; null without rotary. */
  private float[][] rotaryTables(int[] positions) {
    if (inverseFrequencies == null) {
      return null;
    }
    float[][] tables = new float[positions.length][2 * rotaryHalf];
    for (int c = 0; c < positions.length; c++) {
      for (int i = 0; i < rotaryHalf; i++) {
        float angle = inverseFrequencies[i] * (float) positions[c]; // float32, as transformers
        tables[c][i] = (float) Math.cos(angle);
        tables[c][rotaryHalf + i] = (float) Math.sin(angle);
      }
    }
    return tables;
  }

  /** Per-head q/k norms and rotary on one column's q and k, then its k and v into the cache. */
  private void positionAndStore(Layer layer, int l, float[] qkv, int position, float[] rotary, KvCache.Sequence s) {
    for (int h = 0; h < heads + kvHeads; h++) {
      int o = h * headDim;
      Norm norm = h < heads ? layer.queryNorm : layer.keyNorm;
      if (norm != null) {
        norm.apply(qkv, o, headDim, qkv, o);
      }
      if (rotary != null) {
        for (int i = 0; i < rotaryHalf; i++) {
          float cos = rotary[i];
          float sin = rotary[rotaryHalf + i];
          float x1 = qkv[o + i];
          float x2 = qkv[o + rotaryHalf + i];
          qkv[o + i] = x1 * cos - x2 * sin;
          qkv[o + rotaryHalf + i] = x2 * cos + x1 * sin;
        }
      }
    }
    KvCache.Page page = s.pages[position / KvCache.PAGE];
    int slot = position % KvCache.PAGE;
    float[] keys = page.keys[l];
    for (int i = 0; i < kvDim; i++) {
      keys[i * KvCache.PAGE + slot] = qkv[qDim + i]; // transposed: see KvCache.Page
    }
    System.arraycopy(qkv, qDim + kvDim, page.values[l], slot * kvDim, kvDim);
  }

  /** scores[at .. at + PAGE) = scale · (q · key) for a page's positions, q = query[qo .. qo + headDim). */
  private void pageScores(float[] keys, int kvo, float[] query, int qo, float[] scores, int at) {
    for (int lane = 0; lane < KvCache.PAGE; lane += P) {
      // four chains: one would wait out the FMA latency at every component
      FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
      int d = 0;
      for (; d + 3 < headDim; d += 4) {
        int k = (kvo + d) * KvCache.PAGE + lane;
        a0 = FloatVector.fromArray(F, keys, k).fma(FloatVector.broadcast(F, query[qo + d]), a0);
        a1 = FloatVector.fromArray(F, keys, k + KvCache.PAGE).fma(FloatVector.broadcast(F, query[qo + d + 1]), a1);
        a2 = FloatVector.fromArray(F, keys, k + 2 * KvCache.PAGE).fma(FloatVector.broadcast(F, query[qo + d + 2]), a2);
        a3 = FloatVector.fromArray(F, keys, k + 3 * KvCache.PAGE).fma(FloatVector.broadcast(F, query[qo + d + 3]), a3);
      }
      for (; d < headDim; d++) {
        a0 = FloatVector.fromArray(F, keys, (kvo + d) * KvCache.PAGE + lane).fma(FloatVector.broadcast(F, query[qo + d]), a0);
      }
      a0.add(a1).add(a2.add(a3)).mul(scale).intoArray(scores, at + lane);
    }
  }

  /**
   * out[oo .. oo + headDim) += Σ p[po + t] · values[t·kvDim + at .. + headDim) over a page's slots
   * t0..t1: one head's output from one page, four vectors of it at a time.
   */
  private void accumulateValues(float[] values, int at, float[] p, int po, int t0, int t1, float[] out, int oo) {
    int k = 0;
    for (; k + 4 * P <= headDim; k += 4 * P) {
      addPageSum4(values, at + k, p, po, t0, t1, out, oo + k);
    }
    for (; k + P <= headDim; k += P) {
      addPageSum(values, at + k, p, po, t0, t1, out, oo + k);
    }
    for (; k < headDim; k++) {
      float sum = 0;
      for (int t = t0; t <= t1; t++) {
        sum += p[po + t] * values[t * kvDim + at + k];
      }
      out[oo + k] += sum;
    }
  }

  /**
   * {@link #addPageSum} for 4P components at once: each position's weight is broadcast once for
   * four vectors of its values, four independent sums (one per vector). Summing P components at a
   * time re-broadcast every weight per vector and kept attention at a tenth of a batch-8 step
   * (profiled at about 150 positions).
   */
  private void addPageSum4(float[] values, int at, float[] p, int po, int t0, int t1, float[] out, int oo) {
    FloatVector a0 = FloatVector.fromArray(F, out, oo);
    FloatVector a1 = FloatVector.fromArray(F, out, oo + P);
    FloatVector a2 = FloatVector.fromArray(F, out, oo + 2 * P);
    FloatVector a3 = FloatVector.fromArray(F, out, oo + 3 * P);
    for (int t = t0; t <= t1; t++) {
      FloatVector w = FloatVector.broadcast(F, p[po + t]);
      int v = t * kvDim + at;
      a0 = FloatVector.fromArray(F, values, v).fma(w, a0);
      a1 = FloatVector.fromArray(F, values, v + P).fma(w, a1);
      a2 = FloatVector.fromArray(F, values, v + 2 * P).fma(w, a2);
      a3 = FloatVector.fromArray(F, values, v + 3 * P).fma(w, a3);
    }
    a0.intoArray(out, oo);
    a1.intoArray(out, oo + P);
    a2.intoArray(out, oo + 2 * P);
    a3.intoArray(out, oo + 3 * P);
  }

  /**
   * Each thread's attention scores, grown to the longest span it has attended over. A new array per
   * attention call was the largest part of a decode step's garbage (about 2 MB a batch-8 step at 200
   * positions); the young collections it caused copied a reply's long-lived arrays into the old
   * generation, where they stayed resident after the reply. With this, the interleave buffers and
   * the samplers' scratch, a bench worker allocates 2.3 GB instead of 3.8, collects 76 times
   * instead of 130, and peaks at 744 MiB instead of 777 (measured).
   */
  private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);
  /**
   * Floats of scores a thread keeps between calls at most (1 MiB): a decode step's need is far
   * below it (8 candidates × 3 heads × 2,048 positions is 48K); a long prompt's prefill slice can
   * need megabytes, which are allocated for that call only rather than held by every thread that
   * ever prefilled one.
   */
  private static final int RETAINED_SCORES = 1 << 18;

  private static float[] scoreScratch(int length) {
    float[] s = SCORES.get();
    if (s.length >= length) {
      return s;
    }
    if (length > RETAINED_SCORES) {
      return new float[length];
    }
    s = new float[Math.min(RETAINED_SCORES, Math.max(length, s.length + s.length / 2))];
    SCORES.set(s);
    return s;
  }

  /** Columns attended together by one task at most: their scores sit in one thread's scratch. */
  private static final int SLICE_COLUMNS = 16;

  /**
   * Columns per attention task: enough tasks for every thread twice over, at most {@link
   * #SLICE_COLUMNS} columns each. A task visits each page once for all its columns (page-major), so
   * a page that forks of one prompt share is read from memory once per task, not once per column:
   * best-of-8 behind a 1,000-token prompt had read every prompt page eight times a step. There,
   * attention's share of a batch-8 step's samples went from 46% to 41%, and the step from 33.9 to
   * 32.6 ms (medians of four alternating runs, about this machine's noise). What bounds it more is
   * starting a new 4 KB stretch of memory at every page and head: pages of 64 positions took that
   * step to 28.3–29.3 ms (30.4–36.0 with 16, alternating runs), but would give best-of-8 at the
   * bench's length about 18 MB more of KV cache (counted from the page sizes); two query
   * heads per pass over a page's keys and values, to interleave FMA chains, changed nothing.
   */
  private int sliceColumns(int n, int threads) {
    int slices = Math.max(1, Math.min(n, (2 * threads + kvHeads - 1) / kvHeads));
    return Math.min(SLICE_COLUMNS, (n + slices - 1) / slices);
  }

  /**
   * Softmax attention of columns [c0, c1)'s query heads sharing key/value head g, each over its
   * sequence's keys up to its position, a page at a time: a page's keys are stored transposed, so
   * one vector holds one key component at several positions, and a page's scores for a query head
   * are headDim FMAs of such vectors by the query's broadcast components, with no horizontal sums;
   * each key vector is read once for the group's query heads. The exponentials are vector ones (about 1 ulp; a scalar
   * {@code Math.exp} cost about 20 ns a call here, some 8 ms of a batch-8 step). Each column gets
   * the very sums it got attended alone; only the order columns and pages are visited in changes.
   */
  private void attend(int l, int c0, int c1, int g, float[][] qkv, int[] positions, KvCache.Sequence[] sequences, float[][] attended) {
    int columns = c1 - c0;
    int group = heads / kvHeads;
    int kvo = g * headDim;
    int[] from = new int[columns];
    int[] firstPage = new int[columns];
    int[] lastPage = new int[columns];
    int[] base = new int[columns]; // column i's scores: query head j at base[i] + j·span(i), whole pages from its first
    int pagesLo = Integer.MAX_VALUE;
    int pagesHi = -1;
    int total = 0;
    for (int i = 0; i < columns; i++) {
      int position = positions[c0 + i];
      from[i] = Math.max(0, position - window + 1);
      firstPage[i] = from[i] / KvCache.PAGE;
      lastPage[i] = position / KvCache.PAGE;
      base[i] = total;
      total += group * (lastPage[i] - firstPage[i] + 1) * KvCache.PAGE;
      pagesLo = Math.min(pagesLo, firstPage[i]);
      pagesHi = Math.max(pagesHi, lastPage[i]);
    }
    float[] scores = scoreScratch(total);
    for (int page = pagesLo; page <= pagesHi; page++) {
      for (int i = 0; i < columns; i++) {
        if (page < firstPage[i] || page > lastPage[i]) {
          continue;
        }
        int c = c0 + i;
        int span = (lastPage[i] - firstPage[i] + 1) * KvCache.PAGE;
        float[] keys = sequences[c].pages[page].keys[l];
        for (int j = 0; j < group; j++) {
          pageScores(keys, kvo, qkv[c], (g * group + j) * headDim, scores, base[i] + j * span + (page - firstPage[i]) * KvCache.PAGE);
        }
      }
    }
    // only [from, position] is read from here on: a page's other slots hold no key of this sequence yet
    for (int i = 0; i < columns; i++) {
      int c = c0 + i;
      int span = (lastPage[i] - firstPage[i] + 1) * KvCache.PAGE;
      int origin = firstPage[i] * KvCache.PAGE;
      float[] out = attended[c];
      for (int j = 0; j < group; j++) {
        int lo = base[i] + j * span + from[i] - origin;
        int hi = base[i] + j * span + positions[c] - origin + 1;
        scale(scores, lo, hi, 1 / expAndSum(scores, lo, hi, max(scores, lo, hi)));
        Arrays.fill(out, (g * group + j) * headDim, (g * group + j + 1) * headDim, 0f);
      }
    }
    // out += Σ_t p[t] · v_t a page at a time: the page's values of this head (16 positions × headDim)
    // stay in L1 while every column on the page, every query head of the group and every P components
    // of the head sum over them
    for (int page = pagesLo; page <= pagesHi; page++) {
      int first = page * KvCache.PAGE;
      for (int i = 0; i < columns; i++) {
        if (page < firstPage[i] || page > lastPage[i]) {
          continue;
        }
        int c = c0 + i;
        float[] values = sequences[c].pages[page].values[l];
        int span = (lastPage[i] - firstPage[i] + 1) * KvCache.PAGE;
        int t0 = Math.max(from[i], first) - first;
        int t1 = Math.min(positions[c], first + KvCache.PAGE - 1) - first;
        for (int j = 0; j < group; j++) {
          int po = base[i] + j * span + first - firstPage[i] * KvCache.PAGE;
          accumulateValues(values, kvo, scores, po, t0, t1, attended[c], (g * group + j) * headDim);
        }
      }
    }
  }

  /**
   * out[oo .. oo + P) += Σ p[po + t] · values[t·kvDim + at .. + P) over a page's slots t0..t1: P
   * components of one head's output from one page, summed in registers. Adding each position's
   * values into the output row in memory (an axpy per position and head) cost a load, an FMA and a
   * store per vector: at 600 positions, attention took 17 of a batch-8 step's 40 ms (measured).
   */
  private void addPageSum(float[] values, int at, float[] p, int po, int t0, int t1, float[] out, int oo) {
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
    int t = t0;
    for (; t + 3 <= t1; t += 4) {
      int v = t * kvDim + at;
      a0 = FloatVector.fromArray(F, values, v).fma(FloatVector.broadcast(F, p[po + t]), a0);
      a1 = FloatVector.fromArray(F, values, v + kvDim).fma(FloatVector.broadcast(F, p[po + t + 1]), a1);
      a2 = FloatVector.fromArray(F, values, v + 2 * kvDim).fma(FloatVector.broadcast(F, p[po + t + 2]), a2);
      a3 = FloatVector.fromArray(F, values, v + 3 * kvDim).fma(FloatVector.broadcast(F, p[po + t + 3]), a3);
    }
    for (; t <= t1; t++) {
      a0 = FloatVector.fromArray(F, values, t * kvDim + at).fma(FloatVector.broadcast(F, p[po + t]), a0);
    }
    a0.add(a1).add(a2.add(a3)).add(FloatVector.fromArray(F, out, oo)).intoArray(out, oo);
  }

  /** The largest of row[from, to). */
  private static float max(float[] row, int from, int to) {
    FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int i = from;
    for (; i + P <= to; i += P) {
      m = m.max(FloatVector.fromArray(F, row, i));
    }
    float max = m.reduceLanes(VectorOperators.MAX);
    for (; i < to; i++) {
      max = Math.max(max, row[i]);
    }
    return max;
  }

  /** row[i] *= factor for i in [from, to). */
  private static void scale(float[] row, int from, int to, float factor) {
    FloatVector f = FloatVector.broadcast(F, factor);
    int i = from;
    for (; i + P <= to; i += P) {
      FloatVector.fromArray(F, row, i).mul(f).intoArray(row, i);
    }
    for (; i < to; i++) {
      row[i] *= factor;
    }
  }

  /** row[i] = exp(row[i] − max) for i in [from, to); returns their sum. */
  private static float expAndSum(float[] row, int from, int to, float max) {
    FloatVector shift = FloatVector.broadcast(F, max);
    FloatVector acc = FloatVector.zero(F);
    int i = from;
    for (; i + P <= to; i += P) {
      FloatVector e = FloatVector.fromArray(F, row, i).sub(shift).lanewise(VectorOperators.EXP);
      e.intoArray(row, i);
      acc = acc.add(e);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      row[i] = (float) Math.exp(row[i] - max);
      sum += row[i];
    }
    return sum;
  }

  ModelConfig config() {
    return config;
  }

  /** Bytes of the weight matrices held (each once, tied ones once). */
  long bytes() {
    return bytes;
  }
}
