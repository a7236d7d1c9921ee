package dev.persona4j.engine;

import dev.persona4j.core.backend.BackendException;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A decoding state of the Java engine: each live sequence is a list of {@link KvCache} pages, a
 * fork shares them, and a pass computes every column of every listed sequence in one batch.
 */
final class JavaDecodingState implements DecodingState {
  private final Transformer model;
  private final Workers workers;
  private final ModelConfig config;
  private final KvCache cache;
  private final TreeMap<Integer, KvCache.Sequence> live = new TreeMap<>();
  private final float[][] steering;
  private final float[][] capDirections;
  private final float[] capThresholds;
  private boolean hooked;
  private int nextId;
  private boolean closed;

  JavaDecodingState(Transformer model, Workers workers, KvCache.Pool pages) {
    this.model = model;
    this.workers = workers;
    this.config = model.config();
    this.cache = new KvCache(pages);
    this.steering = new float[config.layers()][];
    this.capDirections = new float[config.layers()][];
    this.capThresholds = new float[config.layers()];
  }

  @Override
  public Forward prefill(List<int[]> prompts, ForwardRequest request) {
    checkOpen();
    Objects.requireNonNull(prompts, "prompts");
    checkRequest(request);
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("no prompts");
    }
    int batch = prompts.size();
    int columns = 0;
    for (int i = 0; i < batch; i++) {
      int[] p = Objects.requireNonNull(prompts.get(i), "prompt " + i);
      if (p.length == 0) {
        throw new IllegalArgumentException("prompt " + i + " is empty");
      }
      if (p.length > config.contextLength()) {
        throw BackendException.contextLengthExceeded(p.length, config.contextLength(), "prompt " + i);
      }
      for (int j = 0; j < p.length; j++) {
        checkToken(p[j], "prompt " + i + ", position " + j);
      }
      columns += p.length;
    }
    int[] tokens = new int[columns];
    int[] positions = new int[columns];
    int[] lengths = new int[batch];
    KvCache.Sequence[] of = new KvCache.Sequence[columns];
    KvCache.Sequence[] created = new KvCache.Sequence[batch];
    for (int i = 0, c = 0; i < batch; i++) {
      int[] p = prompts.get(i);
      KvCache.Sequence s = new KvCache.Sequence();
      cache.prepareWrite(s, 0, p.length);
      created[i] = s;
      lengths[i] = p.length;
      for (int t = 0; t < p.length; t++, c++) {
        tokens[c] = p[t];
        positions[c] = t;
        of[c] = s;
      }
    }
    Result r;
    try {
      r = compute(tokens, positions, of, lengths, request);
    } catch (RuntimeException e) {
      for (KvCache.Sequence s : created) {
        cache.release(s);
      }
      throw e;
    }
    r.sequences = new int[batch];
    for (int i = 0; i < batch; i++) {
      created[i].length = lengths[i];
      r.sequences[i] = nextId;
      live.put(nextId++, created[i]);
    }
    return r;
  }

  @Override
  public Forward step(int[] sequences, int[] tokens, ForwardRequest request) {
    checkOpen();
    Objects.requireNonNull(sequences, "sequences");
    Objects.requireNonNull(tokens, "tokens");
    checkRequest(request);
    if (sequences.length != tokens.length) {
      throw new IllegalArgumentException(sequences.length + " sequences but " + tokens.length + " tokens");
    }
    if (sequences.length == 0) {
      throw new IllegalArgumentException("no sequences to step");
    }
    int batch = sequences.length;
    KvCache.Sequence[] of = new KvCache.Sequence[batch];
    int[] positions = new int[batch];
    Map<KvCache.Sequence, Boolean> seen = new IdentityHashMap<>();
    for (int i = 0; i < batch; i++) {
      KvCache.Sequence s = liveSequence(sequences[i]);
      if (seen.put(s, Boolean.TRUE) != null) {
        throw BackendException.unknownSequence(sequences[i], "listed twice in one step");
      }
      checkToken(tokens[i], "step token for sequence " + sequences[i]);
      if (s.length + 1 > config.contextLength()) {
        throw BackendException.contextLengthExceeded(s.length + 1, config.contextLength(), "sequence " + sequences[i] + " (" + s.length + " tokens) plus one");
      }
      of[i] = s;
      positions[i] = s.length;
    }
    for (KvCache.Sequence s : of) {
      cache.prepareWrite(s, s.length, s.length + 1);
    }
    int[] ones = new int[batch];
    Arrays.fill(ones, 1);
    Result r = compute(tokens.clone(), positions, of, ones, request);
    for (KvCache.Sequence s : of) {
      s.length++;
    }
    r.sequences = sequences.clone();
    return r;
  }

  /** Runs the columns (sequence i's {@code lengths[i]} columns consecutive) and copies out what was asked. */
  private Result compute(int[] tokens, int[] positions, KvCache.Sequence[] of, int[] lengths, ForwardRequest request) {
    int layers = config.layers();
    float[][][] taps = new float[layers + 1][][];
    for (int t : request.taps()) {
      taps[t] = new float[tokens.length][];
    }
    Transformer.Hooks hooks = hooked ? new Transformer.Hooks(steering, capDirections, capThresholds) : null;
    float[][] normed = model.run(workers, tokens, positions, of, hooks, taps);
    int batch = lengths.length;
    Result r = new Result(batch);
    float[][] rows;
    int[] lastRow = new int[batch];
    if (request.allLogits()) {
      rows = normed;
      for (int i = 0, c = 0; i < batch; c += lengths[i], i++) {
        lastRow[i] = c + lengths[i] - 1;
      }
    } else {
      rows = new float[batch][];
      for (int i = 0, c = 0; i < batch; c += lengths[i], i++) {
        rows[i] = normed[c + lengths[i] - 1];
        lastRow[i] = i;
      }
    }
    float[][] logits = model.logits(workers, rows, rows.length);
    for (int i = 0, c = 0; i < batch; c += lengths[i], i++) {
      r.last[i] = logits[lastRow[i]];
      if (request.allLogits()) {
        r.logits[i] = Arrays.copyOfRange(logits, c, c + lengths[i]);
      }
      for (int t : request.taps()) {
        r.hidden.computeIfAbsent(t, k -> new float[batch][][])[i] = Arrays.copyOfRange(taps[t], c, c + lengths[i]);
      }
    }
    return r;
  }

  @Override
  public int[] sequences() {
    checkOpen();
    return live.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public int[] fork(int sequence, int copies) {
    checkOpen();
    KvCache.Sequence src = liveSequence(sequence);
    if (copies < 0) {
      throw new IllegalArgumentException("copies must be ≥ 0, got " + copies);
    }
    int[] ids = new int[copies];
    for (int i = 0; i < copies; i++) {
      ids[i] = nextId;
      live.put(nextId++, cache.fork(src));
    }
    return ids;
  }

  @Override
  public void release(int... sequences) {
    checkOpen();
    for (int s : sequences) {
      liveSequence(s);
    }
    for (int s : sequences) {
      KvCache.Sequence seq = live.remove(s);
      if (seq != null) {
        cache.release(seq);
      }
    }
  }

  @Override
  public int length(int sequence) {
    checkOpen();
    return liveSequence(sequence).length;
  }

  @Override
  public void steer(int tap, float[] direction, float coefficient) {
    checkOpen();
    checkDirection("steering", tap, direction);
    if (!Float.isFinite(coefficient)) {
      throw new IllegalArgumentException("steering coefficient must be finite, got " + coefficient);
    }
    float[] sum = steering[tap] == null ? new float[direction.length] : steering[tap].clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += coefficient * direction[i];
      if (!Float.isFinite(sum[i])) {
        throw new IllegalArgumentException("steering direction has a non-finite value at " + i);
      }
    }
    steering[tap] = sum;
    hooked = true;
  }

  @Override
  public void cap(int tap, float[] direction, float threshold) {
    checkOpen();
    checkDirection("capping", tap, direction);
    if (!Float.isFinite(threshold)) {
      throw new IllegalArgumentException("capping threshold must be finite, got " + threshold);
    }
    double norm = 0;
    for (int i = 0; i < direction.length; i++) {
      if (!Float.isFinite(direction[i])) {
        throw new IllegalArgumentException("capping direction has a non-finite value at " + i);
      }
      norm += (double) direction[i] * direction[i];
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Double.isFinite(norm)) {
      throw new IllegalArgumentException("capping direction must have a finite non-zero length, got " + norm);
    }
    float[] unit = new float[direction.length];
    for (int i = 0; i < unit.length; i++) {
      unit[i] = (float) (direction[i] / norm);
    }
    capDirections[tap] = unit;
    capThresholds[tap] = threshold;
    hooked = true;
  }

  private void checkDirection(String what, int tap, float[] direction) {
    if (tap < 0 || tap >= config.layers()) {
      throw new IllegalArgumentException(what + " tap must be a layer index in [0, " + config.layers() + "), got " + tap);
    }
    Objects.requireNonNull(direction, "direction");
    if (direction.length != config.hiddenSize()) {
      throw new IllegalArgumentException(what + " direction has " + direction.length + " values, the hidden size is " + config.hiddenSize());
    }
  }

  @Override
  public void clearSteering() {
    checkOpen();
    Arrays.fill(steering, null);
    Arrays.fill(capDirections, null);
    hooked = false;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      live.values().forEach(cache::release);
      live.clear();
      cache.close();
    }
  }

  /** Pages the cache has created, for tests. */
  long cachePages() {
    return cache.pagesAllocated();
  }

  private KvCache.Sequence liveSequence(int id) {
    KvCache.Sequence s = live.get(id);
    if (s == null) {
      throw BackendException.unknownSequence(id, id >= 0 && id < nextId ? "it was released" : "no such sequence in this state (live: " + live.keySet() + ")");
    }
    return s;
  }

  private void checkToken(int token, String where) {
    if (token < 0 || token >= config.vocabSize()) {
      throw BackendException.tokenOutOfRange(token, config.vocabSize(), where);
    }
  }

  private void checkRequest(ForwardRequest request) {
    Objects.requireNonNull(request, "request");
    for (int t : request.taps()) {
      if (t < 0 || t > config.layers()) {
        throw new IllegalArgumentException("tap " + t + " is outside [0, " + config.layers() + "]");
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("decoding state is closed");
    }
  }

  /** A forward result held in Java arrays. */
  private static final class Result implements Forward {
    int[] sequences;
    final float[][] last;
    final float[][][] logits;
    final Map<Integer, float[][][]> hidden = new TreeMap<>();

    Result(int batch) {
      last = new float[batch][];
      logits = new float[batch][][];
    }

    @Override
    public int size() {
      return last.length;
    }

    @Override
    public int sequence(int i) {
      return sequences[i];
    }

    @Override
    public float[] lastLogits(int i) {
      return last[i];
    }

    @Override
    public float[][] logits(int i) {
      if (logits[i] == null) {
        throw new IllegalStateException("all logits were not requested (ForwardRequest.allLogits)");
      }
      return logits[i];
    }

    @Override
    public float[][] hidden(int i, int tap) {
      float[][][] h = hidden.get(tap);
      if (h == null) {
        throw new IllegalArgumentException("tap " + tap + " was not requested; requested: " + hidden.keySet());
      }
      return h[i];
    }
  }
}
