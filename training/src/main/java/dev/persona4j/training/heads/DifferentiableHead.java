package dev.persona4j.training.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.persona4j.core.heads.AttentionHead;
import dev.persona4j.core.heads.Calibration;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.LinearProbe;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.core.heads.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The DJL (autograd) twin of a head: the same function as its pure-Java inference, written as NDArray
 * ops over a batch so that gradients flow. Parameters live in the given manager; each forward's
 * intermediates belong to whatever {@code NDScope} the caller opened.
 */
abstract class DifferentiableHead {
  final NDManager manager;
  final List<CandidateActivations> examples;
  final String name;
  final int[] layers;
  final int hidden;
  final Map<String, NDArray> params = new LinkedHashMap<>();
  final Set<String> decayed = new HashSet<>();

  DifferentiableHead(NDManager manager, List<CandidateActivations> examples, String name, int[] layers, int hidden) {
    this.manager = manager;
    this.examples = examples;
    this.name = name;
    this.layers = layers;
    this.hidden = hidden;
  }

  /** Logits {@code [batch]} for the examples at {@code idx}. */
  abstract NDArray forward(int[] idx);

  abstract HeadKind kind();

  /** The head's tensors in its file's layout, from a {@link #snapshot()}. */
  abstract Map<String, Tensor> tensors(Map<String, float[]> values);

  /** The head's structural metadata (pooling, sizes). */
  abstract Map<String, String> structure();

  /** The pure-Java head holding {@code values} (a {@link #snapshot()}), rebuilt as it would be from its file. */
  final Head toHead(Map<String, float[]> values, Calibration calibration, double threshold, Map<String, String> provenance) {
    Map<String, Tensor> parameters = new LinkedHashMap<>(tensors(values));
    parameters.put(Head.CALIBRATION, Tensor.vector((float) calibration.slope(), (float) calibration.intercept()));
    Map<String, String> metadata = new LinkedHashMap<>(provenance);
    metadata.putAll(structure());
    metadata.put(Head.META_THRESHOLD, Double.toString(threshold));
    return Head.fromParameters(kind(), name, layers, hidden, parameters, metadata);
  }

  NDArray param(String name, float[] values, long[] shape, boolean decay) {
    NDArray a = manager.create(values, new Shape(shape));
    a.setRequiresGradient(true);
    params.put(name, a);
    if (decay) {
      decayed.add(name);
    }
    return a;
  }

  Map<String, float[]> snapshot() {
    Map<String, float[]> s = new LinkedHashMap<>();
    params.forEach((k, v) -> s.put(k, v.toFloatArray()));
    return s;
  }

  static float[] gaussian(Random r, int n, double std) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextGaussian() * std);
    }
    return f;
  }

  static float[] filled(int n, float v) {
    float[] f = new float[n];
    java.util.Arrays.fill(f, v);
    return f;
  }

  /** Logistic regression over pooled features, standardised with fixed statistics. */
  static final class Probe extends DifferentiableHead {
    private final Pooling pooling;
    private final float[][] features;
    private final float[] meanValues;
    private final float[] stdValues;
    private final NDArray mean;
    private final NDArray std;

    Probe(NDManager manager, List<CandidateActivations> examples, String name, int[] layers, int hidden, Pooling pooling,
        float[] mean, float[] std, float[] weight, float bias) {
      super(manager, examples, name, layers, hidden);
      this.pooling = pooling;
      this.features = new float[examples.size()][];
      for (int i = 0; i < features.length; i++) {
        features[i] = examples.get(i).pooled(layers, pooling);
      }
      int d = layers.length * hidden;
      this.meanValues = mean;
      this.stdValues = std;
      this.mean = manager.create(mean);
      this.std = manager.create(std);
      param("weight", weight, new long[] {d, 1}, true);
      param("bias", new float[] {bias}, new long[] {1}, false);
    }

    /** Standardisation statistics of the pooled features of {@code idx}; a constant feature gets std 1. */
    static float[][] statistics(List<CandidateActivations> examples, int[] idx, int[] layers, int hidden, Pooling pooling,
        String name) {
      int d = layers.length * hidden;
      double[] sum = new double[d];
      double[] sq = new double[d];
      for (int i : idx) {
        float[] x = examples.get(i).pooled(layers, pooling);
        for (int j = 0; j < d; j++) {
          sum[j] += x[j];
        }
      }
      float[] mean = new float[d];
      for (int j = 0; j < d; j++) {
        mean[j] = (float) (sum[j] / idx.length);
      }
      for (int i : idx) {
        float[] x = examples.get(i).pooled(layers, pooling);
        for (int j = 0; j < d; j++) {
          double c = x[j] - mean[j];
          sq[j] += c * c;
        }
      }
      float[] std = new float[d];
      for (int j = 0; j < d; j++) {
        double s = Math.sqrt(sq[j] / idx.length);
        std[j] = s > 1e-6 ? (float) s : 1f;
      }
      return new float[][] {mean, std};
    }

    @Override
    NDArray forward(int[] idx) {
      int d = layers.length * hidden;
      float[] x = new float[idx.length * d];
      for (int b = 0; b < idx.length; b++) {
        System.arraycopy(features[idx[b]], 0, x, b * d, d);
      }
      NDArray xs = manager.create(x, new Shape(idx.length, d)).sub(mean).div(std);
      return xs.matMul(params.get("weight")).reshape(idx.length).add(params.get("bias"));
    }

    @Override
    HeadKind kind() {
      return HeadKind.LINEAR_PROBE;
    }

    @Override
    Map<String, Tensor> tensors(Map<String, float[]> v) {
      Map<String, Tensor> t = new LinkedHashMap<>();
      t.put("mean", Tensor.vector(meanValues));
      t.put("std", Tensor.vector(stdValues));
      t.put("weight", Tensor.vector(v.get("weight")));
      t.put("bias", Tensor.vector(v.get("bias")));
      return t;
    }

    @Override
    Map<String, String> structure() {
      return Map.of(Head.META_POOLING, pooling.name());
    }
  }

  /** The attention head: per-layer layer norm, last-token query over all tokens, SiLU MLP, one logit. */
  static final class Attention extends DifferentiableHead {
    private final int heads;
    private final int headDim;
    private final int mlpHidden;

    Attention(NDManager manager, List<CandidateActivations> examples, String name, int[] layers, int hidden, int heads,
        int headDim, int mlpHidden, Map<String, float[]> init) {
      super(manager, examples, name, layers, hidden);
      this.heads = heads;
      this.headDim = headDim;
      this.mlpHidden = mlpHidden;
      Map<String, long[]> shapes = AttentionHead.shapes(layers.length * hidden, heads, headDim, mlpHidden);
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        boolean decay = e.getValue().length == 2 || e.getKey().equals("out.weight");
        param(e.getKey(), init.get(e.getKey()), e.getValue(), decay);
      }
    }

    /** Seeded initial weights: scaled Gaussians for matrices, zeros for biases, identity layer norm. */
    static Map<String, float[]> initial(Random r, int d, int heads, int headDim, int mlpHidden) {
      int a = heads * headDim;
      Map<String, float[]> w = new LinkedHashMap<>();
      w.put("ln.gamma", filled(d, 1f));
      w.put("ln.beta", new float[d]);
      // A zero query starts the head at uniform attention, i.e. mean pooling, and it learns to deviate.
      w.put("attn.query.weight", new float[a * d]);
      w.put("attn.query.bias", new float[a]);
      w.put("attn.key.weight", gaussian(r, a * d, 1 / Math.sqrt(d)));
      w.put("attn.value.weight", gaussian(r, a * d, 1 / Math.sqrt(d)));
      w.put("attn.value.bias", new float[a]);
      w.put("mlp.up.weight", gaussian(r, mlpHidden * a, Math.sqrt(2.0 / a)));
      w.put("mlp.up.bias", new float[mlpHidden]);
      w.put("mlp.down.weight", gaussian(r, a * mlpHidden, 0.1 / Math.sqrt(mlpHidden)));
      w.put("mlp.down.bias", new float[a]);
      w.put("out.weight", gaussian(r, a, 1 / Math.sqrt(a)));
      w.put("out.bias", new float[1]);
      return w;
    }

    @Override
    NDArray forward(int[] idx) {
      int batch = idx.length;
      int nl = layers.length;
      int d = nl * hidden;
      int t = 0;
      for (int i : idx) {
        t = Math.max(t, examples.get(i).tokens());
      }
      float[] x = new float[batch * t * d];
      float[] maskBias = new float[batch * t];
      float[] last = new float[batch * t];
      for (int b = 0; b < batch; b++) {
        CandidateActivations a = examples.get(idx[b]);
        int n = a.tokens();
        for (int l = 0; l < nl; l++) {
          float[][] v = a.layer(layers[l]);
          for (int k = 0; k < n; k++) {
            System.arraycopy(v[k], 0, x, (b * t + k) * d + l * hidden, hidden);
          }
        }
        for (int k = n; k < t; k++) {
          maskBias[b * t + k] = -1e9f; // padding takes no attention
        }
        last[b * t + n - 1] = 1f;
      }
      NDArray xs = manager.create(x, new Shape(batch, t, nl, hidden));
      NDArray centred = xs.sub(xs.mean(new int[] {3}, true));
      NDArray variance = centred.square().mean(new int[] {3}, true);
      NDArray xn = centred.div(variance.add(AttentionHead.LAYER_NORM_EPSILON).sqrt()).reshape(batch, t, d)
          .mul(params.get("ln.gamma")).add(params.get("ln.beta"));
      NDArray lastToken = xn.mul(manager.create(last, new Shape(batch, t, 1))).sum(new int[] {1});
      NDArray q = lastToken.matMul(params.get("attn.query.weight").transpose()).add(params.get("attn.query.bias"))
          .reshape(batch, 1, heads, headDim);
      NDArray k = xn.matMul(params.get("attn.key.weight").transpose()).reshape(batch, t, heads, headDim);
      NDArray scores = k.mul(q).sum(new int[] {3}).div(Math.sqrt(headDim))
          .add(manager.create(maskBias, new Shape(batch, t, 1)));
      NDArray weights = scores.softmax(1);
      NDArray v = xn.matMul(params.get("attn.value.weight").transpose()).add(params.get("attn.value.bias"))
          .reshape(batch, t, heads, headDim);
      NDArray o = v.mul(weights.expandDims(3)).sum(new int[] {1}).reshape(batch, (long) heads * headDim);
      NDArray h = o.matMul(params.get("mlp.up.weight").transpose()).add(params.get("mlp.up.bias"));
      NDArray act = h.mul(Activation.sigmoid(h));
      NDArray residual = o.add(act.matMul(params.get("mlp.down.weight").transpose())).add(params.get("mlp.down.bias"));
      return residual.matMul(params.get("out.weight").reshape((long) heads * headDim, 1)).reshape(batch)
          .add(params.get("out.bias"));
    }

    @Override
    HeadKind kind() {
      return HeadKind.ATTENTION_HEAD;
    }

    @Override
    Map<String, Tensor> tensors(Map<String, float[]> v) {
      Map<String, Tensor> t = new LinkedHashMap<>();
      AttentionHead.shapes(layers.length * hidden, heads, headDim, mlpHidden)
          .forEach((k, shape) -> t.put(k, new Tensor(shape, v.get(k))));
      return t;
    }

    @Override
    Map<String, String> structure() {
      return AttentionHead.structure(heads, headDim, mlpHidden);
    }
  }

  /** The differentiable twin of an existing head, over {@code examples}. */
  static DifferentiableHead of(Head head, NDManager manager, List<CandidateActivations> examples) {
    Map<String, Tensor> p = head.parameters();
    if (head instanceof LinearProbe) {
      LinearProbe probe = (LinearProbe) head;
      return new Probe(manager, examples, head.name(), head.layers(), head.hiddenSize(), probe.pooling(),
          p.get("mean").data(), p.get("std").data(), p.get("weight").data(), p.get("bias").data()[0]);
    }
    if (head instanceof AttentionHead) {
      AttentionHead ah = (AttentionHead) head;
      Map<String, float[]> init = new LinkedHashMap<>();
      p.forEach((k, t) -> init.put(k, t.data()));
      return new Attention(manager, examples, head.name(), head.layers(), head.hiddenSize(), ah.heads(), ah.headDim(),
          ah.mlpHidden(), init);
    }
    throw new IllegalArgumentException("no differentiable form for " + head.kind());
  }
}
