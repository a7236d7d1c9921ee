package dev.persona4j.training.heads;

import java.util.Arrays;

/** Binary-classification figures used in training summaries and layer sweeps. */
final class Metrics {
  private Metrics() {}

  /** Fraction of examples where {@code probability >= threshold} agrees with the label. */
  public static double accuracy(double[] probabilities, int[] labels, double threshold) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      if ((probabilities[i] >= threshold ? 1 : 0) == labels[i]) {
        right++;
      }
    }
    return labels.length == 0 ? Double.NaN : right / (double) labels.length;
  }

  /** Area under the ROC curve (the Mann-Whitney statistic; tied scores count half). */
  public static double rocAuc(double[] scores, int[] labels) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(scores[x], scores[y]));
    double rankSumPositive = 0;
    int positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          rankSumPositive += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    int negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Mean squared difference between probability and label. */
  public static double brier(double[] probabilities, int[] labels) {
    double s = 0;
    for (int i = 0; i < labels.length; i++) {
      double d = probabilities[i] - labels[i];
      s += d * d;
    }
    return s / labels.length;
  }

  /** Expected calibration error over {@code bins} equal-width probability bins. */
  public static double expectedCalibrationError(double[] probabilities, int[] labels, int bins) {
    double[] confidence = new double[bins];
    double[] positives = new double[bins];
    int[] count = new int[bins];
    for (int i = 0; i < labels.length; i++) {
      int b = Math.min(bins - 1, (int) (probabilities[i] * bins));
      confidence[b] += probabilities[i];
      positives[b] += labels[i];
      count[b]++;
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        ece += count[b] / (double) labels.length * Math.abs(positives[b] / count[b] - confidence[b] / count[b]);
      }
    }
    return ece;
  }

  /** Mean binary cross-entropy of logits against labels. */
  public static double logLoss(double[] logits, int[] labels) {
    double s = 0;
    for (int i = 0; i < labels.length; i++) {
      double z = logits[i];
      s += Math.max(z, 0) - z * labels[i] + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return s / labels.length;
  }

  /**
   * The threshold on probabilities with the best accuracy; among equally good ones, the closest to 0.5.
   */
  public static double bestThreshold(double[] probabilities, int[] labels) {
    double[] sorted = probabilities.clone();
    Arrays.sort(sorted);
    double best = 0.5;
    double bestAccuracy = accuracy(probabilities, labels, 0.5);
    for (int i = 0; i + 1 < sorted.length; i++) {
      if (sorted[i] == sorted[i + 1]) {
        continue;
      }
      double t = (sorted[i] + sorted[i + 1]) / 2;
      double acc = accuracy(probabilities, labels, t);
      if (acc > bestAccuracy + 1e-12 || (Math.abs(acc - bestAccuracy) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
        best = t;
        bestAccuracy = acc;
      }
    }
    return best;
  }
}
