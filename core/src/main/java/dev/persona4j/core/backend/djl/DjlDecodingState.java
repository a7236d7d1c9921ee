package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.backend.BackendException;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A decoding state of the DJL backend: sequences occupy slots of one {@link KvCache}; every pass
 * runs inside an {@link NDScope}, so nothing but the cache outlives it.
 */
final class DjlDecodingState implements DecodingState {
  private final TransformerModel model;
  private final ModelConfig config;
  private final NDManager manager;
  private final KvCache cache;
  /** Live sequences by id: slot and length. */
  private final TreeMap<Integer, int[]> live = new TreeMap<>();
  private final BitSet usedSlots = new BitSet();
  private final float[][] steering;
  private final NDArray[] steeringArrays;
  /** Per layer, or null; the array itself is null while nothing is capped, so passes pay nothing. */
  private Pass.Cap[] caps;
  private int nextId;
  private boolean closed;

  DjlDecodingState(TransformerModel model) {
    this.model = model;
    this.config = model.config();
    this.manager = model.manager().newSubManager();
    this.cache = new KvCache(manager, config.layers(), config.kvHeads(), config.headDim(), config.contextLength());
    this.steering = new float[config.layers()][];
    this.steeringArrays = new NDArray[config.layers()];
  }

  @SuppressWarnings("try") // the scope closes what the pass creates
  @Override
  public Forward prefill(List<int[]> prompts, ForwardRequest request) {
    checkOpen();
    Objects.requireNonNull(prompts, "prompts");
    Objects.requireNonNull(request, "request");
    checkTaps(request);
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("no prompts");
    }
    int batch = prompts.size();
    int width = 0;
    int[] lengths = new int[batch];
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
      lengths[i] = p.length;
      width = Math.max(width, p.length);
    }
    int[] slots = new int[batch];
    for (int i = 0, from = 0; i < batch; i++) {
      slots[i] = usedSlots.nextClearBit(from);
      from = slots[i] + 1;
    }
    cache.ensure(slots[batch - 1] + 1, width);

    int columns = batch * width;
    long[] ids = new long[columns];
    int[] positions = new int[columns];
    long[] slotOfColumn = new long[columns];
    long[] positionOfColumn = new long[columns];
    for (int b = 0; b < batch; b++) {
      int[] p = prompts.get(b);
      for (int t = 0; t < width; t++) {
        int c = b * width + t;
        ids[c] = t < p.length ? p[t] : 0; // padding: any valid id, masked out as a key
        positions[c] = t;
        slotOfColumn[c] = slots[b];
        positionOfColumn[c] = t;
      }
    }
    Result result;
    try (NDScope scope = new NDScope()) {
      NDManager m = manager;
      NDArray slotIndex = m.create(slotOfColumn);
      NDIndex[] at = KvCache.writeIndex(slotIndex, m.create(positionOfColumn));
      Pass.KeyValues kv = (layer, k, v, pass) -> {
        cache.write(layer, k, v, at);
        return Pass.own(k, v, pass, config.kvHeads(), config.headDim());
      };
      Pass pass = model.pass(m, batch, width, positions, model.mask(m, batch, width, width, new int[batch], lengths), kv, steeringArrays, caps);
      result = compute(m, m.create(ids), pass, request, lengths, width);
    }
    int[] newIds = new int[batch];
    for (int b = 0; b < batch; b++) {
      newIds[b] = nextId++;
      usedSlots.set(slots[b]);
      live.put(newIds[b], new int[] {slots[b], lengths[b]});
    }
    result.sequences = newIds;
    return result;
  }

  @SuppressWarnings("try") // the scope closes what the pass creates
  @Override
  public Forward step(int[] sequences, int[] tokens, ForwardRequest request) {
    checkOpen();
    Objects.requireNonNull(sequences, "sequences");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(request, "request");
    checkTaps(request);
    if (sequences.length != tokens.length) {
      throw new IllegalArgumentException(sequences.length + " sequences but " + tokens.length + " tokens");
    }
    if (sequences.length == 0) {
      throw new IllegalArgumentException("no sequences to step");
    }
    int batch = sequences.length;
    int[] slots = new int[batch];
    int[] starts = new int[batch];
    int keys = 0;
    BitSet seen = new BitSet();
    for (int i = 0; i < batch; i++) {
      int[] s = liveSequence(sequences[i]);
      if (seen.get(s[0])) {
        throw BackendException.unknownSequence(sequences[i], "listed twice in one step");
      }
      seen.set(s[0]);
      checkToken(tokens[i], "step token for sequence " + sequences[i]);
      if (s[1] + 1 > config.contextLength()) {
        throw BackendException.contextLengthExceeded(s[1] + 1, config.contextLength(), "sequence " + sequences[i] + " (" + s[1] + " tokens) plus one");
      }
      slots[i] = s[0];
      starts[i] = s[1];
      keys = Math.max(keys, s[1] + 1);
    }
    cache.ensure(cache.slots(), keys);
    long[] ids = new long[batch];
    long[] slotIndexValues = new long[batch];
    long[] positionValues = new long[batch];
    int[] ones = new int[batch];
    for (int i = 0; i < batch; i++) {
      ids[i] = tokens[i];
      slotIndexValues[i] = slots[i];
      positionValues[i] = starts[i];
      ones[i] = 1;
    }
    final int keyCount = keys;
    Result result;
    try (NDScope scope = new NDScope()) {
      NDManager m = manager;
      NDArray slotIndex = m.create(slotIndexValues);
      NDIndex[] at = KvCache.writeIndex(slotIndex, m.create(positionValues));
      Pass.KeyValues kv = (layer, k, v, pass) -> {
        cache.write(layer, k, v, at);
        return cache.read(layer, slots, slotIndex, keyCount);
      };
      Pass pass = model.pass(m, batch, 1, starts, model.mask(m, batch, 1, keys, starts, ones), kv, steeringArrays, caps);
      result = compute(m, m.create(ids), pass, request, ones, 1);
    }
    for (int i = 0; i < batch; i++) {
      live.get(sequences[i])[1]++;
    }
    result.sequences = sequences.clone();
    return result;
  }

  /** Runs the pass and copies the requested outputs into Java arrays. */
  private Result compute(NDManager m, NDArray ids, Pass pass, ForwardRequest request, int[] lengths, int width) {
    int batch = pass.batch;
    int hidden = config.hiddenSize();
    int vocab = config.vocabSize();
    Map<Integer, float[]> tapValues = new HashMap<>();
    TransformerModel.TapSink sink = new TransformerModel.TapSink() {
      @Override
      public boolean wants(int tap) {
        return request.wantsTap(tap);
      }

      @Override
      public void accept(int tap, NDArray x) {
        tapValues.put(tap, x.toFloatArray());
      }
    };
    NDArray out = model.run(ids, pass, request.taps().length == 0 ? null : sink);
    Result r = new Result(batch);
    if (request.allLogits() || width == 1) {
      float[] all = model.logits(out).transpose().toFloatArray(); // [columns, vocab]
      for (int b = 0; b < batch; b++) {
        float[][] rows = new float[lengths[b]][];
        for (int t = 0; t < lengths[b]; t++) {
          int c = b * width + t;
          rows[t] = Arrays.copyOfRange(all, c * vocab, (c + 1) * vocab);
        }
        r.last[b] = rows[lengths[b] - 1];
        if (request.allLogits()) {
          r.logits[b] = rows;
        }
      }
    } else {
      long[] lastColumns = new long[batch];
      for (int b = 0; b < batch; b++) {
        lastColumns[b] = (long) b * width + lengths[b] - 1;
      }
      NDArray last = out.get(m.create(lastColumns)); // [batch, hidden]
      float[] all = model.logits(last).transpose().toFloatArray();
      for (int b = 0; b < batch; b++) {
        r.last[b] = Arrays.copyOfRange(all, b * vocab, (b + 1) * vocab);
      }
    }
    for (Map.Entry<Integer, float[]> e : tapValues.entrySet()) {
      float[][][] perSequence = new float[batch][][];
      float[] flat = e.getValue();
      for (int b = 0; b < batch; b++) {
        float[][] rows = new float[lengths[b]][];
        for (int t = 0; t < lengths[b]; t++) {
          int c = b * width + t;
          rows[t] = Arrays.copyOfRange(flat, c * hidden, (c + 1) * hidden);
        }
        perSequence[b] = rows;
      }
      r.hidden.put(e.getKey(), perSequence);
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
    int[] src = liveSequence(sequence);
    if (copies < 0) {
      throw new IllegalArgumentException("copies must be ≥ 0, got " + copies);
    }
    int[] slots = new int[copies];
    for (int i = 0, from = 0; i < copies; i++) {
      slots[i] = usedSlots.nextClearBit(from);
      from = slots[i] + 1;
    }
    if (copies > 0) {
      cache.ensure(slots[copies - 1] + 1, src[1]);
    }
    int[] ids = new int[copies];
    for (int i = 0; i < copies; i++) {
      cache.copy(src[0], slots[i], src[1]);
      ids[i] = nextId++;
      usedSlots.set(slots[i]);
      live.put(ids[i], new int[] {slots[i], src[1]});
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
      int[] seq = live.remove(s);
      if (seq != null) {
        usedSlots.clear(seq[0]);
      }
    }
  }

  @Override
  public int length(int sequence) {
    checkOpen();
    return liveSequence(sequence)[1];
  }

  @Override
  public void steer(int tap, float[] direction, float coefficient) {
    checkOpen();
    checkLayerAndSize("steering", tap, direction);
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
    if (steeringArrays[tap] != null) {
      steeringArrays[tap].close();
    }
    steeringArrays[tap] = manager.create(sum, new Shape(sum.length));
  }

  @Override
  public void cap(int tap, float[] direction, float threshold) {
    checkOpen();
    float[] unit = checkedDirection("capping", tap, direction);
    if (!Float.isFinite(threshold)) {
      throw new IllegalArgumentException("capping threshold must be finite, got " + threshold);
    }
    if (caps == null) {
      caps = new Pass.Cap[config.layers()];
    } else if (caps[tap] != null) {
      caps[tap].close();
    }
    caps[tap] = Pass.Cap.of(manager, unit, threshold);
  }

  private void checkLayerAndSize(String what, int tap, float[] direction) {
    if (tap < 0 || tap >= config.layers()) {
      throw new IllegalArgumentException(what + " tap must be a layer index in [0, " + config.layers() + "), got " + tap);
    }
    Objects.requireNonNull(direction, "direction");
    if (direction.length != config.hiddenSize()) {
      throw new IllegalArgumentException(what + " direction has " + direction.length + " values, the hidden size is " + config.hiddenSize());
    }
  }

  /** The unit vector along a steering or capping direction for layer {@code tap}, checked. */
  private float[] checkedDirection(String what, int tap, float[] direction) {
    checkLayerAndSize(what, tap, direction);
    double norm = 0;
    for (int i = 0; i < direction.length; i++) {
      if (!Float.isFinite(direction[i])) {
        throw new IllegalArgumentException(what + " direction has a non-finite value at " + i);
      }
      norm += (double) direction[i] * direction[i];
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Double.isFinite(norm)) {
      throw new IllegalArgumentException(what + " direction must have a finite non-zero length, got " + norm);
    }
    float[] unit = new float[direction.length];
    for (int i = 0; i < unit.length; i++) {
      unit[i] = (float) (direction[i] / norm);
    }
    return unit;
  }

  @Override
  public void clearSteering() {
    checkOpen();
    for (int i = 0; i < steering.length; i++) {
      steering[i] = null;
      if (steeringArrays[i] != null) {
        steeringArrays[i].close();
        steeringArrays[i] = null;
      }
    }
    if (caps != null) {
      for (Pass.Cap c : caps) {
        if (c != null) {
          c.close();
        }
      }
      caps = null;
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cache.close();
      manager.close();
      live.clear();
    }
  }

  private int[] liveSequence(int id) {
    int[] s = live.get(id);
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

  private void checkTaps(ForwardRequest request) {
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

    @Override
    public String toString() {
      return "Forward[sequences=" + Arrays.toString(sequences) + ", taps=" + hidden.keySet() + "]";
    }
  }
}
