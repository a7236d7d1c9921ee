package dev.persona4j.samplers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the next token is chosen from the model's scores: an immutable, validated set of settings and
 * the order in which their processors run. Build with {@link #builder()}; every
 * out-of-range value is rejected with an {@link InvalidSettingException} naming the setting.
 *
 * <p>A setting at its neutral value (temperature 1, top-k 0, top-p 1, ...) adds no processor.
 *
 * @param temperature 0 = greedy; 1 = the model's distribution unchanged
 * @param topK 0 = off
 * @param topP 1 = off
 * @param minP 0 = off
 * @param typicalP 1 = off
 * @param repetitionPenalty transformers' multiplicative penalty; 1 = off
 * @param frequencyPenalty OpenAI/llama.cpp additive penalty per occurrence; 0 = off
 * @param presencePenalty OpenAI/llama.cpp additive penalty once a token occurred; 0 = off
 * @param penaltyWindow how many recent tokens the penalties look at; {@link #WHOLE_HISTORY} = all;
 *     default 64 (llama.cpp)
 * @param noRepeatNgramSize 0 = off
 * @param logitBias token id to the value added to its score (-Infinity bans it)
 * @param bannedTokens token ids never sampled
 * @param chain the order in which stages run; stages whose settings are neutral are skipped
 */
public record SamplerSettings(
    double temperature,
    int topK,
    double topP,
    double minP,
    double typicalP,
    double repetitionPenalty,
    double frequencyPenalty,
    double presencePenalty,
    int penaltyWindow,
    int noRepeatNgramSize,
    Map<Integer, Float> logitBias,
    Set<Integer> bannedTokens,
    List<SamplerStage> chain) {
  /** llama.cpp's order: logit bias, penalties, top-k, typical, top-p, min-p, temperature last. */
  public static final List<SamplerStage> DEFAULT_CHAIN =
      List.of(
          SamplerStage.LOGIT_BIAS,
          SamplerStage.BANNED_TOKENS,
          SamplerStage.NO_REPEAT_NGRAM,
          SamplerStage.PENALTIES,
          SamplerStage.TOP_K,
          SamplerStage.TYPICAL_P,
          SamplerStage.TOP_P,
          SamplerStage.MIN_P,
          SamplerStage.TEMPERATURE);

  /** Penalty window meaning "every token of the sequence", as transformers does. */
  public static final int WHOLE_HISTORY = Integer.MAX_VALUE;

  /**
   * Validates every setting, as the builder's setters do one by one.
   *
   * @throws InvalidSettingException naming the first setting out of range
   */
  public SamplerSettings {
    checkTemperature(temperature);
    checkTopK(topK);
    checkTopP(topP);
    checkMinP(minP);
    checkTypicalP(typicalP);
    checkRepetitionPenalty(repetitionPenalty);
    checkFrequencyPenalty(frequencyPenalty);
    checkPresencePenalty(presencePenalty);
    checkPenaltyWindow(penaltyWindow);
    checkNoRepeatNgramSize(noRepeatNgramSize);
    logitBias = Collections.unmodifiableMap(new LinkedHashMap<>(checkLogitBias(logitBias)));
    bannedTokens = Collections.unmodifiableSet(checkBannedTokens(bannedTokens));
    chain = List.copyOf(checkChain(chain));
  }

  /** Temperature 0: always the highest-scoring token (after bias, bans and penalties). */
  public static SamplerSettings greedy() {
    return builder().temperature(0).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.temperature = temperature;
    b.topK = topK;
    b.topP = topP;
    b.minP = minP;
    b.typicalP = typicalP;
    b.repetitionPenalty = repetitionPenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.presencePenalty = presencePenalty;
    b.penaltyWindow = penaltyWindow;
    b.noRepeatNgramSize = noRepeatNgramSize;
    b.logitBias = new LinkedHashMap<>(logitBias);
    b.bannedTokens = new LinkedHashSet<>(bannedTokens);
    b.chain = new ArrayList<>(chain);
    return b;
  }

  /** True when sampling always picks the best token. */
  public boolean isGreedy() {
    return temperature == 0;
  }

  /** Fresh processors for the active stages, in chain order. */
  List<LogitsProcessor> processors() {
    List<LogitsProcessor> out = new ArrayList<>();
    for (SamplerStage stage : chain) {
      if (!isActive(stage)) {
        continue;
      }
      switch (stage) {
        case LOGIT_BIAS -> out.add(new LogitBiasProcessor(logitBias));
        case BANNED_TOKENS -> out.add(new BannedTokensProcessor(bannedTokens));
        case NO_REPEAT_NGRAM -> out.add(new NoRepeatNgramProcessor(noRepeatNgramSize));
        case PENALTIES -> {
          if (repetitionPenalty != 1) {
            out.add(new RepetitionPenaltyProcessor((float) repetitionPenalty, penaltyWindow));
          }
          if (frequencyPenalty != 0 || presencePenalty != 0) {
            out.add(new FrequencyPresencePenaltyProcessor((float) frequencyPenalty, (float) presencePenalty,
                penaltyWindow));
          }
        }
        case TOP_K -> out.add(new TopKProcessor(topK));
        case TYPICAL_P -> out.add(new TypicalPProcessor(typicalP));
        case TOP_P -> out.add(new TopPProcessor(topP));
        case MIN_P -> out.add(new MinPProcessor(minP));
        case TEMPERATURE -> out.add(new TemperatureProcessor((float) temperature));
      }
    }
    return out;
  }

  /** Whether a stage's settings change anything. */
  public boolean isActive(SamplerStage stage) {
    return switch (stage) {
      case LOGIT_BIAS -> !logitBias.isEmpty();
      case BANNED_TOKENS -> !bannedTokens.isEmpty();
      case NO_REPEAT_NGRAM -> noRepeatNgramSize > 0;
      case PENALTIES -> repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0;
      case TOP_K -> topK > 0;
      case TYPICAL_P -> typicalP < 1;
      case TOP_P -> topP < 1;
      case MIN_P -> minP > 0;
      case TEMPERATURE -> temperature != 1;
    };
  }

  // Each check returns its value so that the builder's setters fail at once and the constructor repeats them.
  private static double checkTemperature(double v) {
    return require(v >= 0 && !Double.isInfinite(v), "temperature", v, "must be a finite number >= 0 (0 = greedy)");
  }

  private static int checkTopK(int v) {
    return require(v >= 0, "topK", v, "must be >= 0 (0 = off)");
  }

  private static double checkTopP(double v) {
    return require(v > 0 && v <= 1, "topP", v, "must be in (0, 1] (1 = off)");
  }

  private static double checkMinP(double v) {
    return require(v >= 0 && v <= 1, "minP", v, "must be in [0, 1] (0 = off)");
  }

  private static double checkTypicalP(double v) {
    return require(v > 0 && v <= 1, "typicalP", v, "must be in (0, 1] (1 = off)");
  }

  private static double checkRepetitionPenalty(double v) {
    return require(v > 0 && v <= 10, "repetitionPenalty", v, "must be in (0, 10] (1 = off)");
  }

  private static double checkFrequencyPenalty(double v) {
    return require(v >= -2 && v <= 2, "frequencyPenalty", v, "must be in [-2, 2] (0 = off)");
  }

  private static double checkPresencePenalty(double v) {
    return require(v >= -2 && v <= 2, "presencePenalty", v, "must be in [-2, 2] (0 = off)");
  }

  private static int checkPenaltyWindow(int v) {
    return require(v >= 1, "penaltyWindow", v, "must be >= 1 (WHOLE_HISTORY = all tokens)");
  }

  private static int checkNoRepeatNgramSize(int v) {
    return require(v >= 0, "noRepeatNgramSize", v, "must be >= 0 (0 = off)");
  }

  private static <T> T require(boolean valid, String setting, T value, String requirement) {
    if (!valid) {
      throw new InvalidSettingException(setting, value, requirement);
    }
    return value;
  }

  private static List<SamplerStage> checkChain(List<SamplerStage> chain) {
    Objects.requireNonNull(chain, "chain");
    EnumSet<SamplerStage> seen = EnumSet.noneOf(SamplerStage.class);
    for (SamplerStage s : chain) {
      if (s == null) {
        throw new InvalidSettingException("chain", chain, "contains null");
      }
      if (!seen.add(s)) {
        throw new InvalidSettingException("chain", chain, "lists " + s + " twice");
      }
    }
    return chain;
  }

  private static Map<Integer, Float> checkLogitBias(Map<Integer, Float> bias) {
    Objects.requireNonNull(bias, "logitBias");
    for (Map.Entry<Integer, Float> e : bias.entrySet()) {
      if (e.getKey() == null || e.getKey() < 0) {
        throw new InvalidSettingException("logitBias", e.getKey(), "token ids must be >= 0");
      }
      Float v = e.getValue();
      if (v == null || v.isNaN() || v == Float.POSITIVE_INFINITY) {
        throw new InvalidSettingException("logitBias[" + e.getKey() + "]", v, "must be a finite number or -Infinity (ban)");
      }
    }
    return bias;
  }

  private static Set<Integer> checkBannedTokens(Collection<Integer> banned) {
    Objects.requireNonNull(banned, "bannedTokens");
    Set<Integer> out = new LinkedHashSet<>();
    for (Integer t : banned) {
      if (t == null || t < 0) {
        throw new InvalidSettingException("bannedTokens", t, "token ids must be >= 0");
      }
      out.add(t);
    }
    return out;
  }

  /** Builder of {@link SamplerSettings}; every setter validates its argument at once. */
  public static final class Builder {
    private double temperature = 1;
    private int topK = 0;
    private double topP = 1;
    private double minP = 0;
    private double typicalP = 1;
    private double repetitionPenalty = 1;
    private double frequencyPenalty = 0;
    private double presencePenalty = 0;
    private int penaltyWindow = 64;
    private int noRepeatNgramSize = 0;
    private Map<Integer, Float> logitBias = new LinkedHashMap<>();
    private Set<Integer> bannedTokens = new LinkedHashSet<>();
    private List<SamplerStage> chain = new ArrayList<>(DEFAULT_CHAIN);

    private Builder() {}

    public Builder temperature(double temperature) {
      this.temperature = checkTemperature(temperature);
      return this;
    }

    public Builder topK(int topK) {
      this.topK = checkTopK(topK);
      return this;
    }

    public Builder topP(double topP) {
      this.topP = checkTopP(topP);
      return this;
    }

    public Builder minP(double minP) {
      this.minP = checkMinP(minP);
      return this;
    }

    public Builder typicalP(double typicalP) {
      this.typicalP = checkTypicalP(typicalP);
      return this;
    }

    public Builder repetitionPenalty(double repetitionPenalty) {
      this.repetitionPenalty = checkRepetitionPenalty(repetitionPenalty);
      return this;
    }

    public Builder frequencyPenalty(double frequencyPenalty) {
      this.frequencyPenalty = checkFrequencyPenalty(frequencyPenalty);
      return this;
    }

    public Builder presencePenalty(double presencePenalty) {
      this.presencePenalty = checkPresencePenalty(presencePenalty);
      return this;
    }

    /** How many recent tokens penalties look at, >= 1; {@link #WHOLE_HISTORY} for all. */
    public Builder penaltyWindow(int penaltyWindow) {
      this.penaltyWindow = checkPenaltyWindow(penaltyWindow);
      return this;
    }

    public Builder noRepeatNgramSize(int noRepeatNgramSize) {
      this.noRepeatNgramSize = checkNoRepeatNgramSize(noRepeatNgramSize);
      return this;
    }

    /** Replaces the bias map: token id to the value added to its score (-Infinity bans it). */
    public Builder logitBias(Map<Integer, Float> logitBias) {
      this.logitBias = new LinkedHashMap<>(checkLogitBias(logitBias));
      return this;
    }

    public Builder logitBias(int token, float bias) {
      Map<Integer, Float> one = new LinkedHashMap<>();
      one.put(token, bias);
      checkLogitBias(one);
      this.logitBias.put(token, bias);
      return this;
    }

    public Builder bannedTokens(Collection<Integer> bannedTokens) {
      this.bannedTokens = checkBannedTokens(bannedTokens);
      return this;
    }

    public Builder banToken(int token) {
      this.bannedTokens.addAll(checkBannedTokens(List.of(token)));
      return this;
    }

    /** The order of stages; each at most once. A stage left out is not applied. */
    public Builder chain(List<SamplerStage> chain) {
      this.chain = new ArrayList<>(checkChain(chain));
      return this;
    }

    public Builder chain(SamplerStage... chain) {
      return chain(List.of(chain));
    }

    /**
     * @throws InvalidSettingException when a setting is active but its stage is missing from the chain
     */
    public SamplerSettings build() {
      SamplerSettings s = new SamplerSettings(temperature, topK, topP, minP, typicalP, repetitionPenalty,
          frequencyPenalty, presencePenalty, penaltyWindow, noRepeatNgramSize, logitBias, bannedTokens, chain);
      for (SamplerStage stage : SamplerStage.values()) {
        if (s.isActive(stage) && !s.chain.contains(stage)) {
          throw new InvalidSettingException("chain", s.chain, "its settings are active but " + stage + " is not in the chain");
        }
      }
      return s;
    }
  }
}
