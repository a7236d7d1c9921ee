package dev.persona4j.core.heads;

import java.util.Locale;

/**
 * How training went. Accuracy uses {@link #threshold()}; AUC, ECE and Brier are measured on the
 * validation split with calibrated probabilities (calibration was fitted on that split, so they are
 * mildly optimistic; score a separate test set for an unbiased figure).
 */
public record TrainingSummary(
    HeadKind kind,
    int trainExamples,
    int validationExamples,
    int epochs,
    int bestEpoch,
    double trainLoss,
    double validationLoss,
    double trainAccuracy,
    double validationAccuracy,
    double validationAuc,
    double expectedCalibrationError,
    double brierScore,
    double threshold,
    Calibration calibration,
    double seconds) {

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "%s: %d train / %d validation, %d epochs (best %d), loss %.4f / %.4f, accuracy %.3f / %.3f, "
            + "AUC %.3f, ECE %.3f, Brier %.3f, threshold %.3f, %.1f s",
        kind, trainExamples, validationExamples, epochs, bestEpoch, trainLoss, validationLoss, trainAccuracy,
        validationAccuracy, validationAuc, expectedCalibrationError, brierScore, threshold, seconds);
  }
}
