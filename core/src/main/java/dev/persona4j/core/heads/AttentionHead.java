package dev.persona4j.core.heads;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small attention classifier over a candidate's tokens. The tapped layers' activations are
 * concatenated along hidden ({@code D = layers * hidden}); each layer's slice is layer-normalised
 * (layers differ wildly in scale); one attention layer takes its query from the last token and its
 * keys and values from every token ({@code heads} heads of {@code headDim}); the attended values go
 * through a residual MLP block ({@code mlpHidden} units, SiLU) and a linear output to one logit, which
 * Platt calibration turns into a probability. The residual path lets the head be linear in the
 * attended values where that suffices, which generalises better on the few hundred examples a
 * persona typically has.
 *
 * <p>Inference is pure Java and never materialises the keys: {@code q . (Wk x)} is computed as
 * {@code (Wk^T q) . x}, and the values are projected after averaging, so a candidate costs about
 * {@code tokens * D * (2 * heads + 2)} multiply-adds (about 1.6 ms for 64 tokens of two 576-wide
 * layers). Immutable and thread-safe.
 */
public final class AttentionHead extends HeadBase {
  /** The epsilon of the per-layer layer norm. */
  public static final double LAYER_NORM_EPSILON = 1e-5;

  private final int hidden;
  private final int heads;
  private final int headDim;
  private final int mlpHidden;
  private final float[] gamma;
  private final float[] beta;
  private final float[] wq; // [A][D]
  private final float[] bq; // [A]
  private final float[] wk; // [A][D]
  private final float[] wv; // [A][D]
  private final float[] bv; // [A]
  private final float[] up; // [M][A]
  private final float[] upBias; // [M]
  private final float[] down; // [A][M]
  private final float[] downBias; // [A]
  private final float[] out; // [A]
  private final float outBias;

  private AttentionHead(String name, int[] layers, int hidden, int heads, int headDim, int mlpHidden, Map<String, float[]> w,
      Calibration calibration, double threshold, Map<String, String> provenance) {
    super(name, layers, hidden, calibration, threshold, provenance);
    this.hidden = hidden;
    this.heads = heads;
    this.headDim = headDim;
    this.mlpHidden = mlpHidden;
    this.gamma = w.get("ln.gamma");
    this.beta = w.get("ln.beta");
    this.wq = w.get("attn.query.weight");
    this.bq = w.get("attn.query.bias");
    this.wk = w.get("attn.key.weight");
    this.wv = w.get("attn.value.weight");
    this.bv = w.get("attn.value.bias");
    this.up = w.get("mlp.up.weight");
    this.upBias = w.get("mlp.up.bias");
    this.down = w.get("mlp.down.weight");
    this.downBias = w.get("mlp.down.bias");
    this.out = w.get("out.weight");
    this.outBias = w.get("out.bias")[0];
  }

  /**
   * The learned tensors of an attention head of these sizes by name, with their shapes ({@code d} is
   * layers times hidden size): the layout its file and its trainer share.
   */
  public static Map<String, long[]> shapes(int d, int heads, int headDim, int mlpHidden) {
    long a = (long) heads * headDim;
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put("ln.gamma", new long[] {d});
    s.put("ln.beta", new long[] {d});
    s.put("attn.query.weight", new long[] {a, d});
    s.put("attn.query.bias", new long[] {a});
    s.put("attn.key.weight", new long[] {a, d});
    s.put("attn.value.weight", new long[] {a, d});
    s.put("attn.value.bias", new long[] {a});
    s.put("mlp.up.weight", new long[] {mlpHidden, a});
    s.put("mlp.up.bias", new long[] {mlpHidden});
    s.put("mlp.down.weight", new long[] {a, mlpHidden});
    s.put("mlp.down.bias", new long[] {a});
    s.put("out.weight", new long[] {a});
    s.put("out.bias", new long[] {1});
    return s;
  }

  /** Number of attention heads. */
  public int heads() {
    return heads;
  }

  /** Width of each attention head. */
  public int headDim() {
    return headDim;
  }

  /** Units in the residual MLP block. */
  public int mlpHidden() {
    return mlpHidden;
  }

  @Override
  public HeadKind kind() {
    return HeadKind.ATTENTION_HEAD;
  }

  @Override
  public double logit(CandidateActivations activations) {
    checkInput(activations);
    int[] layers = layers();
    int d = layers.length * hidden;
    int a = heads * headDim;
    int tokens = activations.tokens();
    float[][][] byLayer = new float[layers.length][][];
    for (int l = 0; l < layers.length; l++) {
      byLayer[l] = activations.layer(layers[l]);
    }
    // Every token layer-normalised once; the last one also gives the query.
    double[][] xn = new double[tokens][d];
    for (int t = 0; t < tokens; t++) {
      normalise(byLayer, t, xn[t]);
    }

    // Query from the last token, folded into the key weights: kq[h] = Wk_h^T q_h / sqrt(headDim).
    double[] x = xn[tokens - 1];
    double[] q = new double[a];
    for (int j = 0; j < a; j++) {
      double s = bq[j];
      int row = j * d;
      for (int i = 0; i < d; i++) {
        s += wq[row + i] * x[i];
      }
      q[j] = s;
    }
    double scale = 1 / Math.sqrt(headDim);
    double[][] kq = new double[heads][d];
    for (int h = 0; h < heads; h++) {
      double[] k = kq[h];
      for (int j = h * headDim; j < (h + 1) * headDim; j++) {
        double qj = q[j] * scale;
        int row = j * d;
        for (int i = 0; i < d; i++) {
          k[i] += qj * wk[row + i];
        }
      }
    }

    // Attention weights over all tokens.
    double[][] score = new double[heads][tokens];
    for (int t = 0; t < tokens; t++) {
      double[] xt = xn[t];
      for (int h = 0; h < heads; h++) {
        double s = 0;
        double[] k = kq[h];
        for (int i = 0; i < d; i++) {
          s += k[i] * xt[i];
        }
        score[h][t] = s;
      }
    }
    for (int h = 0; h < heads; h++) {
      softmaxInPlace(score[h]);
    }

    // Weighted mean of normalised tokens per head, then the value projection (weights sum to 1).
    double[][] mix = new double[heads][d];
    for (int t = 0; t < tokens; t++) {
      double[] xt = xn[t];
      for (int h = 0; h < heads; h++) {
        double w = score[h][t];
        double[] m = mix[h];
        for (int i = 0; i < d; i++) {
          m[i] += w * xt[i];
        }
      }
    }
    double[] o = new double[a];
    for (int j = 0; j < a; j++) {
      double[] m = mix[j / headDim];
      double s = bv[j];
      int row = j * d;
      for (int i = 0; i < d; i++) {
        s += wv[row + i] * m[i];
      }
      o[j] = s;
    }

    // Residual MLP block, then the linear output: z = out . (o + down silu(up o + upBias) + downBias) + outBias.
    double[] act = new double[mlpHidden];
    for (int u = 0; u < mlpHidden; u++) {
      double s = upBias[u];
      int row = u * a;
      for (int j = 0; j < a; j++) {
        s += up[row + j] * o[j];
      }
      act[u] = silu(s);
    }
    double z = outBias;
    for (int j = 0; j < a; j++) {
      double r = o[j] + downBias[j];
      int row = j * mlpHidden;
      for (int u = 0; u < mlpHidden; u++) {
        r += down[row + u] * act[u];
      }
      z += out[j] * r;
    }
    return z;
  }

  /** Layer norm of token {@code t}, each tapped layer's slice on its own, into {@code out}. */
  private void normalise(float[][][] byLayer, int t, double[] out) {
    for (int l = 0; l < byLayer.length; l++) {
      float[] v = byLayer[l][t];
      double mean = 0;
      for (float f : v) {
        mean += f;
      }
      mean /= hidden;
      double var = 0;
      for (float f : v) {
        double c = f - mean;
        var += c * c;
      }
      var /= hidden;
      double inv = 1 / Math.sqrt(var + LAYER_NORM_EPSILON);
      int off = l * hidden;
      for (int i = 0; i < hidden; i++) {
        out[off + i] = (v[i] - mean) * inv * gamma[off + i] + beta[off + i];
      }
    }
  }

  private static void softmaxInPlace(double[] s) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.exp(s[i] - max);
      sum += s[i];
    }
    for (int i = 0; i < s.length; i++) {
      s[i] /= sum;
    }
  }

  static double silu(double x) {
    return x * Calibration.sigmoid(x);
  }

  @Override
  Map<String, Tensor> weights() {
    Map<String, float[]> values = new LinkedHashMap<>();
    values.put("ln.gamma", gamma);
    values.put("ln.beta", beta);
    values.put("attn.query.weight", wq);
    values.put("attn.query.bias", bq);
    values.put("attn.key.weight", wk);
    values.put("attn.value.weight", wv);
    values.put("attn.value.bias", bv);
    values.put("mlp.up.weight", up);
    values.put("mlp.up.bias", upBias);
    values.put("mlp.down.weight", down);
    values.put("mlp.down.bias", downBias);
    values.put("out.weight", out);
    values.put("out.bias", new float[] {outBias});
    Map<String, Tensor> p = new LinkedHashMap<>();
    shapes(layers().length * hidden, heads, headDim, mlpHidden).forEach((k, shape) -> p.put(k, new Tensor(shape, values.get(k))));
    return p;
  }

  @Override
  Map<String, String> structure() {
    return structure(heads, headDim, mlpHidden);
  }

  /** The structural metadata of an attention head of these sizes: what {@link Heads#fromParameters} reads. */
  public static Map<String, String> structure(int heads, int headDim, int mlpHidden) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Head.META_HEADS, Integer.toString(heads));
    m.put(Head.META_HEAD_DIM, Integer.toString(headDim));
    m.put(Head.META_MLP_HIDDEN, Integer.toString(mlpHidden));
    return m;
  }

  static AttentionHead fromParameters(String name, int[] layers, int hidden, Map<String, Tensor> p, Map<String, String> meta) {
    int heads = Heads.positiveInt(name, meta, Head.META_HEADS);
    int headDim = Heads.positiveInt(name, meta, Head.META_HEAD_DIM);
    int mlpHidden = Heads.positiveInt(name, meta, Head.META_MLP_HIDDEN);
    Map<String, float[]> w = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : shapes(layers.length * hidden, heads, headDim, mlpHidden).entrySet()) {
      w.put(e.getKey(), Heads.shaped(name, p, e.getKey(), e.getValue()));
    }
    return new AttentionHead(name, layers, hidden, heads, headDim, mlpHidden, w, Heads.calibration(name, p),
        Heads.threshold(name, meta), Heads.provenance(meta));
  }
}
