package dev.persona4j.training.heads;

import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.Calibration;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.heads.HeadKind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** A freshly trained head and how its training went. */
public record TrainedHead(Head head, Summary summary) {
  public TrainedHead {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(summary, "summary");
  }

  /**
   * Saves the head with its training figures, bound to {@code model}, and returns its {@code
   * .safetensors} file: see {@link HeadFiles#save}.
   */
  public Path save(Path dir, ModelInfo model) {
    return HeadFiles.save(dir, head, model, summary.figures());
  }

  /**
   * How training went. Accuracy uses {@link #threshold()}; AUC, ECE and Brier are measured on the
   * validation split with calibrated probabilities (calibration was fitted on that split, so they are
   * mildly optimistic; score a separate test set for an unbiased figure).
   */
  public record Summary(
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

    /** The figures a head file stores with the head ({@code training.<figure>}), in the order written. */
    Map<String, Number> figures() {
      Map<String, Number> m = new LinkedHashMap<>();
      m.put("accuracy", validationAccuracy);
      m.put("train_accuracy", trainAccuracy);
      m.put("auc", validationAuc);
      m.put("ece", expectedCalibrationError);
      m.put("brier", brierScore);
      m.put("epochs", epochs);
      m.put("best_epoch", bestEpoch);
      m.put("examples", trainExamples + validationExamples);
      m.put("train_examples", trainExamples);
      m.put("validation_examples", validationExamples);
      m.put("train_loss", trainLoss);
      m.put("validation_loss", validationLoss);
      m.put("threshold", threshold);
      m.put("seconds", seconds);
      return m;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "%s: %d train / %d validation, %d epochs (best %d), loss %.4f / %.4f, accuracy %.3f / %.3f, "
              + "AUC %.3f, ECE %.3f, Brier %.3f, threshold %.3f, %.1f s",
          kind, trainExamples, validationExamples, epochs, bestEpoch, trainLoss, validationLoss, trainAccuracy,
          validationAccuracy, validationAuc, expectedCalibrationError, brierScore, threshold, seconds);
    }
  }
}
