package dev.persona4j.examples.demo;

import static dev.persona4j.examples.demo.CorpusGenerator.check;

import dev.persona4j.core.checkpoint.ModelConfig;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a demo-model training run: the seed, the model's shape, the optimisation schedule and
 * the data. {@link #DEFAULT} is what the committed model was trained with.
 */
public record DemoTrainerSettings(long seed, ModelShape model, Schedule schedule, Data data) {
  /** The settings the committed demo model was trained with. */
  public static final DemoTrainerSettings DEFAULT = new DemoTrainerSettings(7,
      new ModelShape(128, 4, 4, 2, 512, 512, TokenizerBuilder.DEFAULT_VOCABULARY_SIZE),
      new Schedule(1600, 8, 3e-3f, 80, 0.1f, 0.05f, 1.0f),
      new Data(3, 5, 0.08, "User", CorpusGenerator.Sizes.STANDARD));

  public DemoTrainerSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(data, "data");
  }

  /** The Llama decoder's shape; {@code vocabularySize} is what the tokenizer is trained to. */
  public record ModelShape(int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize,
      int contextLength, int vocabularySize) {
    public ModelShape {
      String[] names = {"hiddenSize", "layers", "heads", "kvHeads", "intermediateSize", "contextLength",
          "vocabularySize"};
      int[] sizes = {hiddenSize, layers, heads, kvHeads, intermediateSize, contextLength, vocabularySize};
      for (int i = 0; i < sizes.length; i++) {
        check(sizes[i] >= 1, names[i], sizes[i], "positive");
      }
      check(heads % kvHeads == 0, "heads", heads, "a multiple of kvHeads (" + kvHeads + ")");
      check(hiddenSize % heads == 0, "hiddenSize", hiddenSize, "a multiple of heads (" + heads + ")");
    }

    /** The Llama config for a tokenizer of {@code vocab} tokens whose end-of-turn token is {@code eot}. */
    public ModelConfig config(int vocab, int bos, int eot, int pad) {
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
  }

  /**
   * AdamW over {@code steps} optimizer steps of {@code batchSize} conversations: linear warm-up to the
   * peak rate, cosine decay to {@code finalLearningRateFraction} of it; a gradient clip of 0 is off.
   */
  public record Schedule(int steps, int batchSize, float peakLearningRate, int warmUpSteps,
      float finalLearningRateFraction, float weightDecay, float gradientClipNorm) {
    public Schedule {
      check(steps >= 1, "steps", steps, "positive");
      check(batchSize >= 1, "batchSize", batchSize, "positive");
      check(peakLearningRate > 0 && peakLearningRate < 1, "peakLearningRate", peakLearningRate, "in (0, 1)");
      check(warmUpSteps >= 0 && warmUpSteps <= steps, "warmUpSteps", warmUpSteps, "in [0, steps = " + steps + "]");
      check(finalLearningRateFraction >= 0 && finalLearningRateFraction <= 1, "finalLearningRateFraction",
          finalLearningRateFraction, "in [0, 1]");
      check(weightDecay >= 0 && weightDecay < 1, "weightDecay", weightDecay, "in [0, 1)");
      check(gradientClipNorm >= 0, "gradientClipNorm", gradientClipNorm, ">= 0");
    }

    /** This schedule shortened to {@code steps} steps of which {@code warmUpSteps} warm up. */
    public Schedule withSteps(int steps, int warmUpSteps) {
      return new Schedule(steps, batchSize, peakLearningRate, warmUpSteps, finalLearningRateFraction, weightDecay,
          gradientClipNorm);
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
  }

  /**
   * The training data: conversations of {@code minTurns} to {@code maxTurns} exchanges (drawn uniformly)
   * with a user called {@code userName}, from a corpus of {@code corpus} sizes of which
   * {@code heldOutShare} is held out.
   */
  public record Data(int minTurns, int maxTurns, double heldOutShare, String userName, CorpusGenerator.Sizes corpus) {
    public Data {
      check(minTurns >= 1 && maxTurns >= minTurns, "turns", minTurns + ", " + maxTurns, "1 <= min <= max");
      check(heldOutShare >= 0 && heldOutShare < 1, "heldOutShare", heldOutShare, "in [0, 1)");
      check(userName != null && !userName.isBlank(), "userName", userName, "not blank");
      Objects.requireNonNull(corpus, "corpus");
    }
  }

  /** The corpus generator for these settings (the seed and corpus sizes). */
  public CorpusGenerator corpusGenerator() {
    return CorpusGenerator.of(seed, data.corpus());
  }

  /** The settings as command-line options of {@code train-demo}. */
  public String asOptions() {
    return "--seed " + seed + " --hidden " + model.hiddenSize() + " --layers " + model.layers() + " --heads "
        + model.heads() + " --kv-heads " + model.kvHeads() + " --intermediate " + model.intermediateSize()
        + " --vocab " + model.vocabularySize() + " --steps " + schedule.steps() + " --batch " + schedule.batchSize()
        + " --lr " + schedule.peakLearningRate() + " --warm-up " + schedule.warmUpSteps();
  }
}
