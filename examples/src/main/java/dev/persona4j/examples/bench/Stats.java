package dev.persona4j.examples.bench;

import java.util.Collection;

/** Small statistics over timing samples. */
final class Stats {
  private Stats() {}

  /** The median; NaN for no samples. */
  static double median(Collection<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
