package dev.persona4j.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

  @Test
  void frequencyAndPresencePenaltiesSubtractCountTimesFrequencyPlusPresence() {
    float[] logits = new float[10];
    new FrequencyPresencePenaltyProcessor(0.5f, 0.25f, 64).process(logits, TokenHistory.of(5, 5, 5, 7));
    float[] expected = new float[10];
    expected[5] = -(3 * 0.5f + 0.25f); // -1.75
    expected[7] = -(1 * 0.5f + 0.25f); // -0.75
    assertArrayEquals(expected, logits, 0f);
  }

  @Test
  void penaltiesOnlyCountTheWindow() {
    float[] logits = {1, 1, 1, 1, 1, 1, 1, 1};
    // Only the last two tokens (5, 7) are inside the window: the older 5s are forgotten.
    new FrequencyPresencePenaltyProcessor(0.5f, 0.25f, 2).process(logits, TokenHistory.of(5, 5, 5, 7));
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0.25f, 1, 0.25f}, logits, 0f);

    float[] rep = {2, -2, 2, 2};
    new RepetitionPenaltyProcessor(2f, 2).process(rep, TokenHistory.of(0, 1, 2));
    // token 0 is outside the window; 1 (negative) is multiplied, 2 (positive) divided.
    assertArrayEquals(new float[] {2, -4, 1, 2}, rep, 0f);
  }

  @Test
  void logitBiasAddsAndMinusInfinityBans() {
    float[] logits = {0.5f, 1f, -1f, 2f, 3f};
    new LogitBiasProcessor(Map.of(2, 2.5f, 4, Float.NEGATIVE_INFINITY)).process(logits, new TokenHistory());
    assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f, Float.NEGATIVE_INFINITY}, logits, 0f);

    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> new LogitBiasProcessor(Map.of(9, 1f)).process(new float[5], new TokenHistory()));
    assertEquals("logitBias", e.setting());
    assertTrue(e.getMessage().contains("9"), e.getMessage());
  }

  @Test
  void biasAndBansApplyThroughTheSamplerToo() {
    SamplerSettings s = SamplerSettings.builder().temperature(0).logitBias(1, 5f).banToken(3).build();
    TokenSampler sampler = new TokenSampler(s, 1);
    // Without bias token 3 would win; it is banned, and the bias lifts 1 (0 + 5) over 2 (4).
    assertEquals(1, sampler.sample(new float[] {0, 0, 4, 9}));
  }

  @Test
  void temperatureLastAndTemperatureFirstGiveTheExpectedDifferentDistributions() {
    // probabilities 0.5, 0.3, 0.2; min-p 0.5 keeps tokens with p >= 0.25; temperature 2 takes square roots.
    float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
    SamplerSettings.Builder b = SamplerSettings.builder().minP(0.5).temperature(2);

    double[] last = new TokenSampler(b.build(), 0).distribution(logits);
    double a = Math.sqrt(0.5);
    double c = Math.sqrt(0.3);
    double d = Math.sqrt(0.2);
    assertArrayEquals(new double[] {a / (a + c), c / (a + c), 0}, last, 1e-6);

    SamplerSettings first = b.chain(SamplerStage.TEMPERATURE, SamplerStage.MIN_P).build();
    double[] tempFirst = new TokenSampler(first, 0).distribution(logits);
    // After temperature 2 the third token has p = 0.263 >= 0.5 * 0.415, so min-p keeps it.
    assertArrayEquals(new double[] {a / (a + c + d), c / (a + c + d), d / (a + c + d)}, tempFirst, 1e-6);
  }

  @Test
  void defaultChainIsLlamaCppOrder() {
    assertEquals(List.of(SamplerStage.LOGIT_BIAS, SamplerStage.BANNED_TOKENS, SamplerStage.NO_REPEAT_NGRAM,
        SamplerStage.PENALTIES, SamplerStage.TOP_K, SamplerStage.TYPICAL_P, SamplerStage.TOP_P,
        SamplerStage.MIN_P, SamplerStage.TEMPERATURE), SamplerSettings.builder().build().chain());
    SamplerSettings s = SamplerSettings.builder().temperature(0.7).topK(40).topP(0.9).repetitionPenalty(1.1).build();
    List<String> names = new ArrayList<>();
    s.processors().forEach(p -> names.add(p.describe().replaceAll("\\(.*", "")));
    assertEquals(List.of("repetition-penalty", "top-k", "top-p", "temperature"), names);
  }

  @Test
  void greedyAtTemperatureZeroPicksTheBestTokenFirstOnTies() {
    TokenSampler greedy = new TokenSampler(SamplerSettings.greedy(), 123);
    assertEquals(2, greedy.sample(new float[] {0.1f, 0.5f, 3f, -1f}));
    assertEquals(1, greedy.sample(new float[] {0.1f, 3f, 3f, -1f}));
    assertArrayEquals(new int[] {2, 1}, greedy.history());
    // Penalties still apply before the greedy pick: token 2 (just generated) is pushed below token 0.
    TokenSampler penalised = new TokenSampler(
        SamplerSettings.builder().temperature(0).repetitionPenalty(2).build(), 9);
    penalised.accept(2);
    assertEquals(0, penalised.sample(new float[] {1.6f, 0f, 3f}));
    // Different seeds agree under greedy.
    Random r = new Random(5);
    for (int i = 0; i < 50; i++) {
      float[] l = new float[32];
      for (int j = 0; j < l.length; j++) {
        l[j] = (float) r.nextGaussian();
      }
      assertEquals(new TokenSampler(SamplerSettings.greedy(), 1).sample(l),
          new TokenSampler(SamplerSettings.greedy(), 2).sample(l));
    }
  }

  @Test
  void drawsFollowTheDistribution() {
    TokenSampler s = new TokenSampler(SamplerSettings.builder().build(), 77);
    float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
    int[] counts = new int[3];
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      counts[s.sample(logits)]++;
    }
    assertEquals(0.5, counts[0] / (double) n, 0.01);
    assertEquals(0.3, counts[1] / (double) n, 0.01);
    assertEquals(0.2, counts[2] / (double) n, 0.01);
  }

  @Test
  void sameSeedGivesSameTokensOnAnyThread() throws Exception {
    SamplerSettings settings = SamplerSettings.builder().temperature(0.9).topK(50).topP(0.95)
        .frequencyPenalty(0.2).presencePenalty(0.1).build();
    float[][] steps = new float[300][];
    Random r = new Random(11);
    for (int i = 0; i < steps.length; i++) {
      steps[i] = new float[200];
      for (int j = 0; j < 200; j++) {
        steps[i][j] = (float) (r.nextGaussian() * 2);
      }
    }
    int[] reference = run(settings, 42, steps);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<int[]>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> run(settings, 42, steps)));
      }
      for (Future<int[]> f : futures) {
        assertArrayEquals(reference, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertFalse(java.util.Arrays.equals(reference, run(settings, 43, steps)), "another seed, another sequence");
  }

  private static int[] run(SamplerSettings settings, long seed, float[][] steps) {
    TokenSampler s = new TokenSampler(settings, seed);
    s.acceptAll(1, 2, 3);
    int[] out = new int[steps.length];
    for (int i = 0; i < steps.length; i++) {
      out[i] = s.sample(steps[i]);
    }
    return out;
  }

  @Test
  void samplingLeavesTheCallersLogitsAlone() {
    float[] logits = {1, 2, 3};
    float[] copy = logits.clone();
    new TokenSampler(SamplerSettings.builder().temperature(0.5).topK(1).build(), 1).sample(logits);
    assertArrayEquals(copy, logits, 0f);
  }

  @Test
  void invalidSettingsNameTheSettingAndValue() {
    assertInvalid("temperature", "-0.1", () -> SamplerSettings.builder().temperature(-0.1));
    assertInvalid("temperature", "NaN", () -> SamplerSettings.builder().temperature(Double.NaN));
    assertInvalid("topP", "1.5", () -> SamplerSettings.builder().topP(1.5));
    assertInvalid("topP", "0.0", () -> SamplerSettings.builder().topP(0));
    assertInvalid("topK", "-1", () -> SamplerSettings.builder().topK(-1));
    assertInvalid("minP", "1.01", () -> SamplerSettings.builder().minP(1.01));
    assertInvalid("minP", "-0.5", () -> SamplerSettings.builder().minP(-0.5));
    assertInvalid("typicalP", "0.0", () -> SamplerSettings.builder().typicalP(0));
    assertInvalid("typicalP", "2.0", () -> SamplerSettings.builder().typicalP(2));
    assertInvalid("repetitionPenalty", "0.0", () -> SamplerSettings.builder().repetitionPenalty(0));
    assertInvalid("repetitionPenalty", "11.0", () -> SamplerSettings.builder().repetitionPenalty(11));
    assertInvalid("frequencyPenalty", "2.5", () -> SamplerSettings.builder().frequencyPenalty(2.5));
    assertInvalid("presencePenalty", "-3.0", () -> SamplerSettings.builder().presencePenalty(-3));
    assertInvalid("penaltyWindow", "0", () -> SamplerSettings.builder().penaltyWindow(0));
    assertInvalid("noRepeatNgramSize", "-2", () -> SamplerSettings.builder().noRepeatNgramSize(-2));
    assertInvalid("logitBias[3]", "NaN", () -> SamplerSettings.builder().logitBias(3, Float.NaN));
    assertInvalid("logitBias", "-4", () -> SamplerSettings.builder().logitBias(-4, 1f));
    assertInvalid("bannedTokens", "-1", () -> SamplerSettings.builder().bannedTokens(Set.of(-1)));
    assertInvalid("chain", "TOP_K", () -> SamplerSettings.builder().chain(SamplerStage.TOP_K, SamplerStage.TOP_K));
    assertInvalid("chain", "TOP_P", () -> SamplerSettings.builder().topP(0.9).chain(SamplerStage.TEMPERATURE).build());
    assertInvalid("maxNewTokens", "0", () -> StopConditions.builder().maxNewTokens(0));
    assertInvalid("stopStrings", "\"\"", () -> StopConditions.builder().stopString(""));
    assertInvalid("logits[1]", "NaN",
        () -> new TokenSampler(SamplerSettings.builder().build(), 1).sample(new float[] {0, Float.NaN}));
    assertInvalid("bannedTokens/logitBias", "2 banned",
        () -> new TokenSampler(SamplerSettings.builder().bannedTokens(Set.of(0, 1)).build(), 1).sample(new float[] {0, 1}));
  }

  private static void assertInvalid(String setting, String value, Runnable action) {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, action::run);
    assertTrue(e.getMessage().startsWith(setting), "message names " + setting + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(value), "message names value " + value + ": " + e.getMessage());
  }

  @Test
  void settingsAreValuesAndBuildersDerive() {
    SamplerSettings a = SamplerSettings.builder().temperature(0.7).topP(0.9).logitBias(3, 1f).build();
    SamplerSettings b = a.toBuilder().build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, a.toBuilder().topP(0.8).build());
    assertThrows(UnsupportedOperationException.class, () -> a.logitBias().put(1, 1f));
    assertTrue(SamplerSettings.greedy().isGreedy());
  }
}
