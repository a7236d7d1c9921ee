package dev.persona4j.training.heads;

import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.samplers.InvalidSettingException;
import java.io.PrintStream;
import java.util.Optional;

/** How {@link HeadTrainer} trains: AdamW settings, batches, the validation split and early stopping. */
public final class TrainingOptions {
  private final double learningRate; // NaN = the kind's default
  private final double weightDecay;
  private final int maxEpochs;
  private final int batchSize;
  private final double validationFraction;
  private final int patience;
  private final long seed;
  private final PrintStream progress;

  private TrainingOptions(Builder b) {
    this.learningRate = b.learningRate;
    this.weightDecay = b.weightDecay;
    this.maxEpochs = b.maxEpochs;
    this.batchSize = b.batchSize;
    this.validationFraction = b.validationFraction;
    this.patience = b.patience;
    this.seed = b.seed;
    this.progress = b.progress;
  }

  public static TrainingOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.learningRate = learningRate;
    b.weightDecay = weightDecay;
    b.maxEpochs = maxEpochs;
    b.batchSize = batchSize;
    b.validationFraction = validationFraction;
    b.patience = patience;
    b.seed = seed;
    b.progress = progress;
    return b;
  }

  /**
   * The AdamW step size for a head of {@code kind}: the value set on the builder, else 1e-2 for the
   * convex linear probe and 1e-3 for the attention head (which overfits quickly at larger steps).
   */
  public double learningRate(HeadKind kind) {
    if (!Double.isNaN(learningRate)) {
      return learningRate;
    }
    return kind == HeadKind.LINEAR_PROBE ? 1e-2 : 1e-3;
  }

  /** Decoupled (AdamW) weight decay on weight matrices; biases and norms are not decayed. */
  public double weightDecay() {
    return weightDecay;
  }

  public int maxEpochs() {
    return maxEpochs;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Fraction of each class held out for early stopping, calibration and the summary's figures. */
  public double validationFraction() {
    return validationFraction;
  }

  /** Epochs without a better validation loss before training stops. */
  public int patience() {
    return patience;
  }

  /** Seeds the split, the shuffles and the initial weights. */
  public long seed() {
    return seed;
  }

  /** Where a progress bar is drawn, if anywhere. */
  public Optional<PrintStream> progress() {
    return Optional.ofNullable(progress);
  }

  /** Builder; every setter validates at once. */
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

    public Builder learningRate(double learningRate) {
      if (!(learningRate > 0 && learningRate <= 1)) {
        throw new InvalidSettingException("learningRate", learningRate, "must be in (0, 1]");
      }
      this.learningRate = learningRate;
      return this;
    }

    public Builder weightDecay(double weightDecay) {
      if (!(weightDecay >= 0 && weightDecay <= 1)) {
        throw new InvalidSettingException("weightDecay", weightDecay, "must be in [0, 1]");
      }
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder maxEpochs(int maxEpochs) {
      if (maxEpochs < 1) {
        throw new InvalidSettingException("maxEpochs", maxEpochs, "must be >= 1");
      }
      this.maxEpochs = maxEpochs;
      return this;
    }

    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new InvalidSettingException("batchSize", batchSize, "must be >= 1");
      }
      this.batchSize = batchSize;
      return this;
    }

    public Builder validationFraction(double validationFraction) {
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new InvalidSettingException("validationFraction", validationFraction, "must be in (0, 1)");
      }
      this.validationFraction = validationFraction;
      return this;
    }

    public Builder patience(int patience) {
      if (patience < 1) {
        throw new InvalidSettingException("patience", patience, "must be >= 1");
      }
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

    public TrainingOptions build() {
      return new TrainingOptions(this);
    }
  }
}
