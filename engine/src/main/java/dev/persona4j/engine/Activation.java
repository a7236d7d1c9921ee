package dev.persona4j.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** An MLP activation function, transformers' {@code ACT2FN[name]}, in float32. */
enum Activation {
  SILU,
  GELU_TANH,
  GELU,
  RELU;

  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
  private static final double[] ERFC_CHEBYSHEV = {-1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3,
        -9.46595344482036e-4, 3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6,
        1.303655835580e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10,
        -2.27365122e-10, 9.6467911e-11, 2.394038e-12, -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13,
        3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17};

  /** The activation transformers names {@code name}, or null if this engine has none. */
  static Activation of(String name) {
    return switch (name) {
      case "silu", "swish" -> SILU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
      case "gelu" -> GELU;
      case "relu" -> RELU;
      default -> null;
    };
  }

  /**
   * {@code out[i] = act(x[i]) · x[up + i]} for i &lt; n ({@code up} &lt; 0: {@code act(x[i])}), the
   * MLP's gating. SiLU runs on vectors, with the vector exponential (about 1 ulp from {@code
   * Math.exp}, which cost about 20 ns a call here: some 7 ms of a batch-8 step); the others per value.
   */
  void apply(float[] x, int up, float[] out, int n) {
    int i = 0;
    if (this == SILU) {
      VectorSpecies<Float> f = PanelMatrix.F;
      for (; i + f.length() <= n; i += f.length()) {
        FloatVector v = FloatVector.fromArray(f, x, i);
        FloatVector a = v.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
        (up < 0 ? a : a.mul(FloatVector.fromArray(f, x, up + i))).intoArray(out, i);
      }
    }
    for (; i < n; i++) {
      out[i] = up < 0 ? apply(x[i]) : apply(x[i]) * x[up + i];
    }
  }

  float apply(float x) {
    return switch (this) {
      case SILU -> x / (1f + (float) Math.exp(-x));
      case GELU_TANH -> (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
      case GELU -> (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))));
      case RELU -> Math.max(0f, x);
    };
  }

  /**
   * The error function to about 1e-12 (Numerical Recipes' erfc by Chebyshev fit), since Java 17 has
   * none; float32 needs 1e-7.
   */
  static double erf(double x) {
    double z = Math.abs(x);
    double t = 2 / (2 + z);
    double ty = 4 * t - 2;
    double[] c = ERFC_CHEBYSHEV;
    double d = 0;
    double dd = 0;
    for (int j = c.length - 1; j > 0; j--) {
      double tmp = d;
      d = ty * d - dd + c[j];
      dd = tmp;
    }
    double erfc = t * Math.exp(-z * z + 0.5 * (c[0] + ty * d) - dd);
    return x >= 0 ? 1 - erfc : erfc - 1;
  }
}
