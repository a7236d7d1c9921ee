package dev.persona4j.training.heads;

import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.samplers.InvalidSettingException;
import java.io.PrintStream;

/**
 * How {@link HeadTrainer} trains: AdamW settings, batches, the validation split and early stopping.
 * Build with {@link #builder()}; every value is checked when the options are made.
 *
 * @param learningRate the AdamW step size, or NaN for the kind's default (see {@link
 *     #learningRate(HeadKind)}); in (0, 1]
 * @param weightDecay decoupled (AdamW) weight decay on weight matrices, in [0, 1]; biases and norms
 *     are not decayed
 * @param maxEpochs at least 1
 * @param batchSize at least 1
 * @param validationFraction fraction of each class held out for early stopping, calibration and the
 *     summary's figures, in (0, 1)
 * @param patience epochs without a better validation loss before training stops, at least 1
 * @param seed seeds the split, the shuffles and the initial weights
 * @param progress where a progress bar is drawn, or null for nowhere
 */
public record TrainingOptions(double learningRate, double weightDecay, int maxEpochs, int batchSize,
    double validationFraction, int patience, long seed, PrintStream progress) {
  public TrainingOptions {
    if (!Double.isNaN(learningRate) && !(learningRate > 0 && learningRate <= 1)) {
      throw new InvalidSettingException("learningRate", learningRate, "must be in (0, 1]");
    }
    if (!(weightDecay >= 0 && weightDecay <= 1)) {
      throw new InvalidSettingException("weightDecay", weightDecay, "must be in [0, 1]");
    }
    atLeastOne("maxEpochs", maxEpochs);
    atLeastOne("batchSize", batchSize);
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new InvalidSettingException("validationFraction", validationFraction, "must be in (0, 1)");
    }
    atLeastOne("patience", patience);
  }

  public static TrainingOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The AdamW step size for a head of {@code kind}: the value set, else 1e-2 for the convex linear
   * probe and 1e-3 for the attention head (which overfits quickly at larger steps).
   */
  public double learningRate(HeadKind kind) {
    if (!Double.isNaN(learningRate)) {
      return learningRate;
    }
    return kind == HeadKind.LINEAR_PROBE ? 1e-2 : 1e-3;
  }

  /** {@code value}, unless it is below 1. */
  static int atLeastOne(String setting, int value) {
    if (value < 1) {
      throw new InvalidSettingException(setting, value, "must be >= 1");
    }
    return value;
  }

  /** Builder over the defaults; {@link #build()} checks every value. */
  public static final class Builder {
    private double learningRate = Double.NaN;
    private double weightDecay = 1e-2;
    private int maxEpochs = 100;
    private int batchSize = 32;
    private double validationFraction = 0.25;
    private int patience = 10;
    private long seed = 0;
    private PrintStream progress;

    private Builder() {}

    /** The AdamW step size; NaN (default) for the kind's own. */
    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder maxEpochs(int maxEpochs) {
      this.maxEpochs = maxEpochs;
      return this;
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder validationFraction(double validationFraction) {
      this.validationFraction = validationFraction;
      return this;
    }

    public Builder patience(int patience) {
      this.patience = patience;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Draws a progress bar on {@code out}; null for none. */
    public Builder progress(PrintStream out) {
      this.progress = out;
      return this;
    }

    /** @throws InvalidSettingException naming the first value out of range */
    public TrainingOptions build() {
      return new TrainingOptions(learningRate, weightDecay, maxEpochs, batchSize, validationFraction, patience, seed,
          progress);
    }
  }
}
