package dev.persona4j.core.heads;

/**
 * Platt scaling: {@code p = sigmoid(slope * logit + intercept)}, fitted on held-out logits so that a
 * head's scores can be read as probabilities.
 */
public record Calibration(double slope, double intercept) {
  /** The identity: p = sigmoid(logit). */
  public static final Calibration IDENTITY = new Calibration(1, 0);

  public Calibration {
    if (!Double.isFinite(slope) || !Double.isFinite(intercept)) {
      throw new HeadException("calibration (" + slope + ", " + intercept + ") is not finite");
    }
  }

  public double probability(double logit) {
    return sigmoid(slope * logit + intercept);
  }

  static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /**
   * Fits slope and intercept by Newton's method on the log loss, with Platt's smoothed targets
   * ({@code (n+ + 1) / (n+ + 2)} and {@code 1 / (n- + 2)}) so that separable data does not drive the
   * slope to infinity.
   */
  public static Calibration fit(double[] logits, int[] labels) {
    int pos = 0;
    for (int y : labels) {
      pos += y;
    }
    int neg = labels.length - pos;
    double hi = (pos + 1.0) / (pos + 2.0);
    double lo = 1.0 / (neg + 2.0);
    double a = 1;
    double b = Math.log((pos + 1.0) / (neg + 1.0));
    double previous = loss(logits, labels, a, b, hi, lo);
    for (int iter = 0; iter < 100; iter++) {
      double ga = 0;
      double gb = 0;
      double haa = 1e-12;
      double hab = 0;
      double hbb = 1e-12;
      for (int i = 0; i < logits.length; i++) {
        double t = labels[i] == 1 ? hi : lo;
        double p = sigmoid(a * logits[i] + b);
        double d = p - t;
        double w = p * (1 - p);
        ga += d * logits[i];
        gb += d;
        haa += w * logits[i] * logits[i];
        hab += w * logits[i];
        hbb += w;
      }
      double det = haa * hbb - hab * hab;
      if (Math.abs(det) < 1e-300) {
        break;
      }
      double da = (hbb * ga - hab * gb) / det;
      double db = (haa * gb - hab * ga) / det;
      // Backtracking keeps Newton stable when the Hessian is nearly singular.
      double step = 1;
      double na = a - da;
      double nb = b - db;
      double current = loss(logits, labels, na, nb, hi, lo);
      while (current > previous && step > 1e-6) {
        step /= 2;
        na = a - step * da;
        nb = b - step * db;
        current = loss(logits, labels, na, nb, hi, lo);
      }
      if (current > previous) {
        break;
      }
      a = na;
      b = nb;
      if (previous - current < 1e-12) {
        break;
      }
      previous = current;
    }
    // Rounded to float32, the precision it is stored at, so a rebuilt head scores identically.
    return new Calibration((float) a, (float) b);
  }

  private static double loss(double[] logits, int[] labels, double a, double b, double hi, double lo) {
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      double t = labels[i] == 1 ? hi : lo;
      double z = a * logits[i] + b;
      // log(1 + e^z) - t z, stable for large |z|
      sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t * z;
    }
    return sum;
  }

  Tensor toTensor() {
    return Tensor.vector((float) slope, (float) intercept);
  }

  static Calibration fromTensor(String head, Tensor t) {
    if (t.size() != 2) {
      throw new HeadException("head '" + head + "': tensor 'calibration' must hold 2 values, has " + t.size());
    }
    float[] d = t.dataView();
    try {
      return new Calibration(d[0], d[1]);
    } catch (HeadException e) {
      throw new HeadException("head '" + head + "': tensor 'calibration': " + e.getMessage());
    }
  }
}
