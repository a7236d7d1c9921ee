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
 * the order in which their {@link LogitsProcessor}s run. Build with {@link #builder()}; every
 * out-of-range value is rejected with an {@link InvalidSettingException} naming the setting.
 *
 * <p>A setting at its neutral value (temperature 1, top-k 0, top-p 1, ...) adds no processor.
 */
public final class SamplerSettings {
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

  private final double temperature;
  private final int topK;
  private final double topP;
  private final double minP;
  private final double typicalP;
  private final double repetitionPenalty;
  private final double frequencyPenalty;
  private final double presencePenalty;
  private final int penaltyWindow;
  private final int noRepeatNgramSize;
  private final Map<Integer, Float> logitBias;
  private final Set<Integer> bannedTokens;
  private final List<SamplerStage> chain;

  private SamplerSettings(Builder b) {
    this.temperature = b.temperature;
    this.topK = b.topK;
    this.topP = b.topP;
    this.minP = b.minP;
    this.typicalP = b.typicalP;
    this.repetitionPenalty = b.repetitionPenalty;
    this.frequencyPenalty = b.frequencyPenalty;
    this.presencePenalty = b.presencePenalty;
    this.penaltyWindow = b.penaltyWindow;
    this.noRepeatNgramSize = b.noRepeatNgramSize;
    this.logitBias = Collections.unmodifiableMap(new LinkedHashMap<>(b.logitBias));
    this.bannedTokens = Collections.unmodifiableSet(new LinkedHashSet<>(b.bannedTokens));
    this.chain = List.copyOf(b.chain);
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

  /** 0 = greedy; 1 = the model's distribution unchanged. */
  public double temperature() {
    return temperature;
  }

  /** 0 = off. */
  public int topK() {
    return topK;
  }

  /** 1 = off. */
  public double topP() {
    return topP;
  }

  /** 0 = off. */
  public double minP() {
    return minP;
  }

  /** 1 = off. */
  public double typicalP() {
    return typicalP;
  }

  /** transformers' multiplicative penalty; 1 = off. */
  public double repetitionPenalty() {
    return repetitionPenalty;
  }

  /** OpenAI/llama.cpp additive penalty per occurrence; 0 = off. */
  public double frequencyPenalty() {
    return frequencyPenalty;
  }

  /** OpenAI/llama.cpp additive penalty once a token occurred; 0 = off. */
  public double presencePenalty() {
    return presencePenalty;
  }

  /** How many recent tokens the penalties look at; {@link #WHOLE_HISTORY} = all. Default 64 (llama.cpp). */
  public int penaltyWindow() {
    return penaltyWindow;
  }

  /** 0 = off. */
  public int noRepeatNgramSize() {
    return noRepeatNgramSize;
  }

  public Map<Integer, Float> logitBias() {
    return logitBias;
  }

  public Set<Integer> bannedTokens() {
    return bannedTokens;
  }

  /** The order in which stages run; stages whose settings are neutral are skipped. */
  public List<SamplerStage> chain() {
    return chain;
  }

  /** True when sampling always picks the best token. */
  public boolean isGreedy() {
    return temperature == 0;
  }

  /** Fresh processors for the active stages, in chain order. */
  public List<LogitsProcessor> processors() {
    List<LogitsProcessor> out = new ArrayList<>();
    for (SamplerStage stage : chain) {
      if (!isActive(stage)) {
        continue;
      }
      switch (stage) {
        case LOGIT_BIAS:
          out.add(new LogitBiasProcessor(logitBias));
          break;
        case BANNED_TOKENS:
          out.add(new BannedTokensProcessor(bannedTokens));
          break;
        case NO_REPEAT_NGRAM:
          out.add(new NoRepeatNgramProcessor(noRepeatNgramSize));
          break;
        case PENALTIES:
          if (repetitionPenalty != 1) {
            out.add(new RepetitionPenaltyProcessor(repetitionPenalty, penaltyWindow));
          }
          if (frequencyPenalty != 0 || presencePenalty != 0) {
            out.add(new FrequencyPresencePenaltyProcessor(frequencyPenalty, presencePenalty, penaltyWindow));
          }
          break;
        case TOP_K:
          out.add(new TopKProcessor(topK));
          break;
        case TYPICAL_P:
          out.add(new TypicalPProcessor(typicalP));
          break;
        case TOP_P:
          out.add(new TopPProcessor(topP));
          break;
        case MIN_P:
          out.add(new MinPProcessor(minP));
          break;
        case TEMPERATURE:
          out.add(new TemperatureProcessor(temperature));
          break;
        default:
          throw new AssertionError(stage);
      }
    }
    return out;
  }

  /** Whether a stage's settings change anything. */
  public boolean isActive(SamplerStage stage) {
    switch (stage) {
      case LOGIT_BIAS:
        return !logitBias.isEmpty();
      case BANNED_TOKENS:
        return !bannedTokens.isEmpty();
      case NO_REPEAT_NGRAM:
        return noRepeatNgramSize > 0;
      case PENALTIES:
        return repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0;
      case TOP_K:
        return topK > 0;
      case TYPICAL_P:
        return typicalP < 1;
      case TOP_P:
        return topP < 1;
      case MIN_P:
        return minP > 0;
      case TEMPERATURE:
        return temperature != 1;
      default:
        throw new AssertionError(stage);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SamplerSettings)) {
      return false;
    }
    SamplerSettings s = (SamplerSettings) o;
    return temperature == s.temperature
        && topK == s.topK
        && topP == s.topP
        && minP == s.minP
        && typicalP == s.typicalP
        && repetitionPenalty == s.repetitionPenalty
        && frequencyPenalty == s.frequencyPenalty
        && presencePenalty == s.presencePenalty
        && penaltyWindow == s.penaltyWindow
        && noRepeatNgramSize == s.noRepeatNgramSize
        && logitBias.equals(s.logitBias)
        && bannedTokens.equals(s.bannedTokens)
        && chain.equals(s.chain);
  }

  @Override
  public int hashCode() {
    return Objects.hash(temperature, topK, topP, minP, typicalP, repetitionPenalty, frequencyPenalty,
        presencePenalty, penaltyWindow, noRepeatNgramSize, logitBias, bannedTokens, chain);
  }

  @Override
  public String toString() {
    return "SamplerSettings{temperature=" + temperature + ", topK=" + topK + ", topP=" + topP
        + ", minP=" + minP + ", typicalP=" + typicalP + ", repetitionPenalty=" + repetitionPenalty
        + ", frequencyPenalty=" + frequencyPenalty + ", presencePenalty=" + presencePenalty
        + ", penaltyWindow=" + penaltyWindow + ", noRepeatNgramSize=" + noRepeatNgramSize
        + ", logitBias=" + logitBias + ", bannedTokens=" + bannedTokens + ", chain=" + chain + "}";
  }

  static Map<Integer, Float> checkLogitBias(Map<Integer, Float> bias) {
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

  static Set<Integer> checkBannedTokens(Collection<Integer> banned) {
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
      if (!(temperature >= 0) || Double.isInfinite(temperature)) {
        throw new InvalidSettingException("temperature", temperature, "must be a finite number >= 0 (0 = greedy)");
      }
      this.temperature = temperature;
      return this;
    }

    public Builder topK(int topK) {
      if (topK < 0) {
        throw new InvalidSettingException("topK", topK, "must be >= 0 (0 = off)");
      }
      this.topK = topK;
      return this;
    }

    public Builder topP(double topP) {
      if (!(topP > 0 && topP <= 1)) {
        throw new InvalidSettingException("topP", topP, "must be in (0, 1] (1 = off)");
      }
      this.topP = topP;
      return this;
    }

    public Builder minP(double minP) {
      if (!(minP >= 0 && minP <= 1)) {
        throw new InvalidSettingException("minP", minP, "must be in [0, 1] (0 = off)");
      }
      this.minP = minP;
      return this;
    }

    public Builder typicalP(double typicalP) {
      if (!(typicalP > 0 && typicalP <= 1)) {
        throw new InvalidSettingException("typicalP", typicalP, "must be in (0, 1] (1 = off)");
      }
      this.typicalP = typicalP;
      return this;
    }

    public Builder repetitionPenalty(double repetitionPenalty) {
      if (!(repetitionPenalty > 0 && repetitionPenalty <= 10)) {
        throw new InvalidSettingException("repetitionPenalty", repetitionPenalty, "must be in (0, 10] (1 = off)");
      }
      this.repetitionPenalty = repetitionPenalty;
      return this;
    }

    public Builder frequencyPenalty(double frequencyPenalty) {
      if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
        throw new InvalidSettingException("frequencyPenalty", frequencyPenalty, "must be in [-2, 2] (0 = off)");
      }
      this.frequencyPenalty = frequencyPenalty;
      return this;
    }

    public Builder presencePenalty(double presencePenalty) {
      if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
        throw new InvalidSettingException("presencePenalty", presencePenalty, "must be in [-2, 2] (0 = off)");
      }
      this.presencePenalty = presencePenalty;
      return this;
    }

    /** How many recent tokens penalties look at, >= 1; {@link #WHOLE_HISTORY} for all. */
    public Builder penaltyWindow(int penaltyWindow) {
      if (penaltyWindow < 1) {
        throw new InvalidSettingException("penaltyWindow", penaltyWindow, "must be >= 1 (WHOLE_HISTORY = all tokens)");
      }
      this.penaltyWindow = penaltyWindow;
      return this;
    }

    public Builder noRepeatNgramSize(int noRepeatNgramSize) {
      if (noRepeatNgramSize < 0) {
        throw new InvalidSettingException("noRepeatNgramSize", noRepeatNgramSize, "must be >= 0 (0 = off)");
      }
      this.noRepeatNgramSize = noRepeatNgramSize;
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
      this.chain = new ArrayList<>(chain);
      return this;
    }

    public Builder chain(SamplerStage... chain) {
      return chain(List.of(chain));
    }

    /**
     * @throws InvalidSettingException when a setting is active but its stage is missing from the chain
     */
    public SamplerSettings build() {
      SamplerSettings s = new SamplerSettings(this);
      for (SamplerStage stage : SamplerStage.values()) {
        if (s.isActive(stage) && !s.chain.contains(stage)) {
          throw new InvalidSettingException("chain", s.chain, "its settings are active but " + stage + " is not in the chain");
        }
      }
      return s;
    }
  }
}
