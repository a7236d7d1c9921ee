package dev.persona4j.examples.demo;

import dev.persona4j.core.checkpoint.ModelConfig;
import java.util.List;

/**
 * Settings of a demo-model training run: the model shape, the optimisation schedule and the data.
 * Immutable; {@link #builder()} starts from the defaults the committed model was trained with.
 */
public final class DemoTrainerSettings {
  private final long seed;
  private final int hiddenSize;
  private final int layers;
  private final int heads;
  private final int kvHeads;
  private final int intermediateSize;
  private final int contextLength;
  private final int vocabularySize;
  private final int steps;
  private final int batchSize;
  private final float peakLearningRate;
  private final int warmUpSteps;
  private final float finalLearningRateFraction;
  private final float weightDecay;
  private final float gradientClipNorm;
  private final int minTurns;
  private final int maxTurns;
  private final double heldOutShare;
  private final String userName;
  private final int examplesPerExamplePersona;
  private final int generatedPersonas;
  private final int examplesPerGeneratedPersona;

  private DemoTrainerSettings(Builder b) {
    this.seed = b.seed;
    this.hiddenSize = b.hiddenSize;
    this.layers = b.layers;
    this.heads = b.heads;
    this.kvHeads = b.kvHeads;
    this.intermediateSize = b.intermediateSize;
    this.contextLength = b.contextLength;
    this.vocabularySize = b.vocabularySize;
    this.steps = b.steps;
    this.batchSize = b.batchSize;
    this.peakLearningRate = b.peakLearningRate;
    this.warmUpSteps = b.warmUpSteps;
    this.finalLearningRateFraction = b.finalLearningRateFraction;
    this.weightDecay = b.weightDecay;
    this.gradientClipNorm = b.gradientClipNorm;
    this.minTurns = b.minTurns;
    this.maxTurns = b.maxTurns;
    this.heldOutShare = b.heldOutShare;
    this.userName = b.userName;
    this.examplesPerExamplePersona = b.examplesPerExamplePersona;
    this.generatedPersonas = b.generatedPersonas;
    this.examplesPerGeneratedPersona = b.examplesPerGeneratedPersona;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.seed = seed;
    b.hiddenSize = hiddenSize;
    b.layers = layers;
    b.heads = heads;
    b.kvHeads = kvHeads;
    b.intermediateSize = intermediateSize;
    b.contextLength = contextLength;
    b.vocabularySize = vocabularySize;
    b.steps = steps;
    b.batchSize = batchSize;
    b.peakLearningRate = peakLearningRate;
    b.warmUpSteps = warmUpSteps;
    b.finalLearningRateFraction = finalLearningRateFraction;
    b.weightDecay = weightDecay;
    b.gradientClipNorm = gradientClipNorm;
    b.minTurns = minTurns;
    b.maxTurns = maxTurns;
    b.heldOutShare = heldOutShare;
    b.userName = userName;
    b.examplesPerExamplePersona = examplesPerExamplePersona;
    b.generatedPersonas = generatedPersonas;
    b.examplesPerGeneratedPersona = examplesPerGeneratedPersona;
    return b;
  }

  /** The Llama config for a tokenizer of {@code vocab} tokens whose end-of-turn token is {@code eot}. */
  public ModelConfig modelConfig(int vocab, int bos, int eot, int pad) {
    return ModelConfig.builder("llama")
        .architectures(List.of("LlamaForCausalLM"))
        .vocabSize(vocab)
        .hiddenSize(hiddenSize)
        .intermediateSize(intermediateSize)
        .layers(layers)
        .heads(heads)
        .kvHeads(kvHeads)
        .contextLength(contextLength)
        .normEps(1e-5)
        .ropeTheta(10000)
        .tieWordEmbeddings(true)
        .initializerRange(0.02)
        .bosTokenId(bos)
        .eosTokenIds(List.of(eot))
        .padTokenId(pad)
        .build();
  }

  /** The learning rate at optimizer step {@code step} (from 1): linear warm-up, then cosine decay. */
  public float learningRate(int step) {
    if (step <= warmUpSteps) {
      return peakLearningRate * step / Math.max(1, warmUpSteps);
    }
    double progress = Math.min(1.0, (step - warmUpSteps) / (double) Math.max(1, steps - warmUpSteps));
    double floor = peakLearningRate * finalLearningRateFraction;
    return (float) (floor + (peakLearningRate - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  public long seed() { return seed; }
  public int hiddenSize() { return hiddenSize; }
  public int layers() { return layers; }
  public int heads() { return heads; }
  public int kvHeads() { return kvHeads; }
  public int intermediateSize() { return intermediateSize; }
  public int contextLength() { return contextLength; }
  public int vocabularySize() { return vocabularySize; }
  public int steps() { return steps; }
  public int batchSize() { return batchSize; }
  public float peakLearningRate() { return peakLearningRate; }
  public int warmUpSteps() { return warmUpSteps; }
  public float finalLearningRateFraction() { return finalLearningRateFraction; }
  public float weightDecay() { return weightDecay; }
  public float gradientClipNorm() { return gradientClipNorm; }
  public int minTurns() { return minTurns; }
  public int maxTurns() { return maxTurns; }
  public double heldOutShare() { return heldOutShare; }
  public String userName() { return userName; }

  /** The corpus generator for these settings (the seed and corpus sizes). */
  public CorpusGenerator corpusGenerator() {
    return CorpusGenerator.builder().seed(seed).examplesPerExamplePersona(examplesPerExamplePersona)
        .generatedPersonas(generatedPersonas).examplesPerGeneratedPersona(examplesPerGeneratedPersona).build();
  }

  /** The settings as command-line options of {@code train-demo}. */
  public String asOptions() {
    return "--seed " + seed + " --hidden " + hiddenSize + " --layers " + layers + " --heads " + heads
        + " --kv-heads " + kvHeads + " --intermediate " + intermediateSize + " --vocab " + vocabularySize
        + " --steps " + steps + " --batch " + batchSize + " --lr " + peakLearningRate + " --warm-up "
        + warmUpSteps;
  }

  /** Builder with validated values. */
  public static final class Builder {
    private long seed = 7;
    private int hiddenSize = 128;
    private int layers = 4;
    private int heads = 4;
    private int kvHeads = 2;
    private int intermediateSize = 512;
    private int contextLength = 512;
    private int vocabularySize = TokenizerBuilder.DEFAULT_VOCABULARY_SIZE;
    private int steps = 1600;
    private int batchSize = 8;
    private float peakLearningRate = 3e-3f;
    private int warmUpSteps = 80;
    private float finalLearningRateFraction = 0.1f;
    private float weightDecay = 0.05f;
    private float gradientClipNorm = 1.0f;
    private int minTurns = 3;
    private int maxTurns = 5;
    private double heldOutShare = 0.08;
    private String userName = "User";
    private int examplesPerExamplePersona = 3750;
    private int generatedPersonas = 30;
    private int examplesPerGeneratedPersona = 500;

    private Builder() {}

    private static int positive(String name, int v) {
      if (v < 1) {
        throw new IllegalArgumentException(name + " must be positive, got " + v);
      }
      return v;
    }

    public Builder seed(long v) { seed = v; return this; }
    public Builder hiddenSize(int v) { hiddenSize = positive("hiddenSize", v); return this; }
    public Builder layers(int v) { layers = positive("layers", v); return this; }
    public Builder heads(int v) { heads = positive("heads", v); return this; }
    public Builder kvHeads(int v) { kvHeads = positive("kvHeads", v); return this; }
    public Builder intermediateSize(int v) { intermediateSize = positive("intermediateSize", v); return this; }
    public Builder contextLength(int v) { contextLength = positive("contextLength", v); return this; }
    public Builder vocabularySize(int v) { vocabularySize = positive("vocabularySize", v); return this; }
    public Builder steps(int v) { steps = positive("steps", v); return this; }
    public Builder batchSize(int v) { batchSize = positive("batchSize", v); return this; }
    public Builder warmUpSteps(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("warmUpSteps must be >= 0, got " + v);
      }
      warmUpSteps = v;
      return this;
    }

    public Builder peakLearningRate(float v) {
      if (!(v > 0 && v < 1)) {
        throw new IllegalArgumentException("peakLearningRate must be in (0, 1), got " + v);
      }
      peakLearningRate = v;
      return this;
    }

    public Builder finalLearningRateFraction(float v) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("finalLearningRateFraction must be in [0, 1], got " + v);
      }
      finalLearningRateFraction = v;
      return this;
    }

    public Builder weightDecay(float v) {
      if (!(v >= 0 && v < 1)) {
        throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + v);
      }
      weightDecay = v;
      return this;
    }

    /** Global gradient-norm clip; 0 turns clipping off. */
    public Builder gradientClipNorm(float v) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException("gradientClipNorm must be >= 0, got " + v);
      }
      gradientClipNorm = v;
      return this;
    }

    /** Exchanges per training conversation, drawn uniformly from [min, max]. */
    public Builder turns(int min, int max) {
      if (min < 1 || max < min) {
        throw new IllegalArgumentException("turns must satisfy 1 <= min <= max, got " + min + ", " + max);
      }
      minTurns = min;
      maxTurns = max;
      return this;
    }

    public Builder heldOutShare(double v) {
      if (!(v >= 0 && v < 1)) {
        throw new IllegalArgumentException("heldOutShare must be in [0, 1), got " + v);
      }
      heldOutShare = v;
      return this;
    }

    public Builder userName(String v) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("userName must not be blank");
      }
      userName = v;
      return this;
    }

    /** Corpus size (see {@link CorpusGenerator.Builder}); the defaults give the full 30,000 examples. */
    public Builder corpus(int examplesPerExamplePersona, int generatedPersonas, int examplesPerGeneratedPersona) {
      CorpusGenerator.builder().examplesPerExamplePersona(examplesPerExamplePersona)
          .generatedPersonas(generatedPersonas).examplesPerGeneratedPersona(examplesPerGeneratedPersona);
      this.examplesPerExamplePersona = examplesPerExamplePersona;
      this.generatedPersonas = generatedPersonas;
      this.examplesPerGeneratedPersona = examplesPerGeneratedPersona;
      return this;
    }

    public DemoTrainerSettings build() {
      if (heads % kvHeads != 0) {
        throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
      }
      if (hiddenSize % heads != 0) {
        throw new IllegalArgumentException("hiddenSize (" + hiddenSize + ") must be a multiple of heads (" + heads + ")");
      }
      if (warmUpSteps > steps) {
        throw new IllegalArgumentException("warmUpSteps (" + warmUpSteps + ") must not exceed steps (" + steps + ")");
      }
      return new DemoTrainerSettings(this);
    }
  }
}
