package dev.persona4j.core.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.PersonaVector;
import dev.persona4j.core.heads.Tensor;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.StopConditions;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.CandidateFilter;
import dev.persona4j.samplers.rejection.CandidateScorer;
import dev.persona4j.samplers.rejection.FilterVerdict;
import dev.persona4j.samplers.rejection.FinishReason;
import dev.persona4j.samplers.rejection.SelectionPolicy;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.TemplateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator on a real (tiny, randomly initialised) Llama checkpoint: batching, seeds, heads and
 * policies, streaming, cancellation, deadlines, steering and concurrent use.
 */
class PersonaGeneratorTest {
  static final Path LLAMA = Path.of("src/test/resources/hf-reference/models/llama");

  static LanguageModel model;
  static Persona mara;
  static PromptAssembler assembler;
  static final Conversation HELLO = Conversation.empty().withUser("Ahoy, how is the sea today?");

  @BeforeAll
  static void load() {
    model = Backends.load(LLAMA);
    mara = Persona.builder().name("Mara").build();
    // The reference checkpoints have a 128-token context: a one-line framing keeps the prompt short.
    assembler = PromptAssembler.base(model.tokenizer(), "{{user}} talks with {{char}}.", "***");
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static PersonaGenerator.Builder generator() {
    return PersonaGenerator.builder(model, mara)
        .assembler(assembler)
        .sampler(SamplerSettings.builder().temperature(1.0).build())
        .stop(StopConditions.builder().maxNewTokens(16).build());
  }

  /** A head over the middle layer whose score is a fixed linear read-out of the mean activation. */
  static Head meanProbe(String name, int seed) {
    return meanProbe(name, seed, 1f);
  }

  static Head meanProbe(String name, int seed, float slope) {
    return meanProbe(name, seed, slope, model.info());
  }

  static Head meanProbe(String name, int seed, float slope, ModelInfo info) {
    int hidden = info.hiddenSize();
    float[] w = new float[hidden];
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < hidden; i++) {
      w[i] = (float) r.nextGaussian();
    }
    Head v = Head.fromParameters(HeadKind.PERSONA_VECTOR, name, new int[] {info.layers() / 2}, hidden,
        Map.of("direction", new Tensor(new long[] {hidden}, w),
            "calibration", new Tensor(new long[] {2}, new float[] {slope, 0f})),
        Map.of("pooling", "mean"));
    return v;
  }

  static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  @Test
  void candidatesDecodedAsOneBatchEqualSeparateRuns() {
    int[] prompt = model.tokenizer().encode("The sea today is", true);
    long[] seeds = {11, 22, 33, 44, 55};
    SamplerSettings settings = SamplerSettings.builder().temperature(1.0).topK(50).build();
    StopConditions stop = StopConditions.builder().maxNewTokens(12).build();
    CandidateDecoder decoder = new CandidateDecoder(model, settings, stop, new int[] {2});

    List<CandidateDecoder.Decoded> batch = decode(decoder, prompt, seeds);
    for (int i = 0; i < seeds.length; i++) {
      CandidateDecoder.Decoded alone = decode(decoder, prompt, new long[] {seeds[i]}).get(0);
      assertArrayEquals(alone.candidate().tokens(), batch.get(i).candidate().tokens(), "candidate " + i + " tokens");
      assertEquals(alone.candidate().text(), batch.get(i).candidate().text());
      float[][] a = alone.activations().layer(2);
      float[][] b = batch.get(i).activations().layer(2);
      assertEquals(a.length, b.length);
      assertEquals(alone.candidate().tokenCount(), a.length, "one activation row per generated token");
      for (int t = 0; t < a.length; t++) {
        for (int h = 0; h < a[t].length; h++) {
          assertEquals(a[t][h], b[t][h], 1e-4, "activation " + t + "," + h);
        }
      }
    }
    // Different seeds actually give different candidates.
    assertTrue(batch.stream().map(d -> d.candidate().text()).distinct().count() > 1);
  }

  private static List<CandidateDecoder.Decoded> decode(CandidateDecoder decoder, int[] prompt, long[] seeds) {
    try (DecodingState state = model.newState()) {
      Forward f = state.prefill(List.of(prompt), ForwardRequest.lastLogits());
      List<CandidateDecoder.Decoded> out = decoder.decode(state, f.sequence(0), f.lastLogits(0), prompt, seeds, 0, 0,
          ReplyListener.NONE, () -> false, Long.MAX_VALUE);
      assertEquals(1, state.sequences().length, "only the prompt sequence stays after decoding");
      return out;
    }
  }

  @Test
  void theSameSeedGivesTheSameReply() {
    PersonaGenerator g = generator().seed(7).build();
    Reply a = g.reply(HELLO);
    Reply b = g.reply(HELLO);
    assertEquals(a.text(), b.text());
    assertArrayEquals(a.chosen().tokens(), b.chosen().tokens());
    Reply c = g.reply(HELLO, ReplyOptions.builder().seed(8).build());
    assertNotEquals(List.of(a.chosen().tokens()).toString() + a.text(), List.of(c.chosen().tokens()) + c.text());
  }

  @Test
  void bestOfNChoosesTheHighestScoringCandidateAndExposesAll() {
    Head head = meanProbe("probe", 3);
    PersonaGenerator g = generator().seed(5).head(head)
        .policy(SelectionPolicy.builder().candidatesPerRound(6).scorer(CandidateScorer.head("probe")).build())
        .build();
    Reply reply = g.reply(HELLO);
    assertEquals(6, reply.candidates().size());
    double best = reply.candidates().stream().mapToDouble(c -> c.scores().get("probe")).max().orElseThrow();
    assertEquals(best, reply.chosen().scores().get("probe"), 0.0);
    assertEquals("best-of-n", reply.selection().rule());
    assertFalse(reply.gaveUp());
    // The score was computed from the activations captured while decoding: recomputing it from a
    // fresh forward pass over prompt + candidate gives the same number.
    Candidate chosen = reply.chosen();
    int[] prompt = reply.prompt().ids();
    int[] all = new int[prompt.length + chosen.tokenCount()];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(chosen.tokens(), 0, all, prompt.length, chosen.tokenCount());
    int layer = head.layers()[0];
    try (DecodingState state = model.newState()) {
      float[][] hidden = state.prefill(List.of(all), ForwardRequest.withTaps(layer)).hidden(0, layer);
      float[][] replyRows = java.util.Arrays.copyOfRange(hidden, prompt.length, all.length);
      double rescored = head.score(new dev.persona4j.core.heads.CandidateActivations(new int[] {layer},
          new float[][][] {replyRows}));
      assertEquals(rescored, chosen.scores().get("probe"), 1e-4);
    }
    assertTrue(reply.timings().scoringNanos() > 0);
    assertTrue(reply.timings().scoringShare() < 0.5, "scoring is a small part of generation");
  }

  @Test
  void thresholdPolicyRunsMoreRoundsThenGivesUpWithTheBestSeen() {
    PersonaGenerator g = generator().seed(9).head(meanProbe("probe", 4, 0.001f))
        .policy(SelectionPolicy.builder().candidatesPerRound(3).firstAboveThreshold(0.99, 3)
            .scorer(CandidateScorer.head("probe"))
            .filter(CandidateFilter.bannedPhrases(List.of("\u0000never")))
            .build())
        .build();
    Reply reply = g.reply(HELLO);
    assertTrue(reply.gaveUp());
    assertEquals(9, reply.candidates().size(), "three rounds of three");
    assertEquals(List.of(0, 1, 2), reply.candidates().stream().map(Candidate::round).distinct().toList());
    assertEquals(reply.selection().bestSeenIndex(), reply.chosen().index());
  }

  @Test
  void filtersRejectCandidatesAndTheRuleSaysWhy() {
    PersonaGenerator g = generator().seed(9)
        .policy(SelectionPolicy.builder().candidatesPerRound(4).filter(CandidateFilter.minLength(10_000)).build())
        .build();
    Reply reply = g.reply(HELLO);
    assertTrue(reply.gaveUp());
    assertTrue(reply.selection().explanation().contains("failed a filter"), reply.selection().explanation());
  }

  @Test
  void oneCandidateStreamsTokenByTokenAndTheStreamEqualsTheReply() {
    List<String> pieces = Collections.synchronizedList(new ArrayList<>());
    Reply reply = generator().seed(3).build().reply(HELLO, ReplyOptions.builder().listener(new ReplyListener() {
      @Override
      public void onReplyText(String text) {
        pieces.add(text);
      }
    }).build());
    assertTrue(pieces.size() > 1, "several pieces: " + pieces);
    assertEquals(reply.text(), String.join("", pieces));
  }

  @Test
  void publisherDeliversTheReplyAndCompletes() throws Exception {
    PersonaGenerator g = generator().seed(3).build();
    String expected = g.reply(HELLO).text();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      StringBuilder got = new StringBuilder();
      CompletableFuture<Void> done = new CompletableFuture<>();
      g.stream(HELLO, executor).subscribe(new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String item) {
          got.append(item);
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          done.complete(null);
        }
      });
      done.get(60, TimeUnit.SECONDS);
      assertEquals(expected, got.toString());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void cancellationFromAnotherThreadStopsWithinOneStepAndKeepsThePartialText() throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    CountDownLatch firstText = new CountDownLatch(1);
    AtomicInteger piecesAfterCancel = new AtomicInteger();
    StringBuilder streamed = new StringBuilder();
    PersonaGenerator g = generator().seed(3).stop(StopConditions.builder().maxNewTokens(60).build())
        .sampler(SamplerSettings.builder().temperature(1.0).bannedTokens(model.generationConfig().eosTokenIds()).build())
        .build();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Reply> future = executor.submit(() -> g.reply(HELLO, ReplyOptions.builder().cancelledWhen(cancelled::get)
          .listener(new ReplyListener() {
            @Override
            public void onCandidateText(int candidate, String text) {
              if (cancelled.get()) {
                piecesAfterCancel.incrementAndGet();
              }
              streamed.append(text);
              firstText.countDown();
            }
          }).build()));
      assertTrue(firstText.await(60, TimeUnit.SECONDS));
      cancelled.set(true);
      Reply reply = future.get(60, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, reply.finishReason());
      assertTrue(reply.chosen().tokenCount() > 0 && reply.chosen().tokenCount() < 60, reply.toString());
      assertFalse(reply.text().isEmpty(), "the text decoded before the cancellation is kept");
      assertEquals(streamed.toString(), reply.text());
      assertTrue(piecesAfterCancel.get() <= 1, "at most the step in flight finishes");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aReplyCancelledBeforeItStartsReturnsEmptyCandidatesAndNoFurtherRound() {
    PersonaGenerator g = generator().seed(3)
        .policy(SelectionPolicy.builder().candidatesPerRound(2).firstAboveThreshold(0.99, 5).build()).build();
    Reply reply = g.reply(HELLO, ReplyOptions.builder().cancelledWhen(() -> true).build());
    assertEquals(FinishReason.CANCELLED, reply.finishReason());
    assertEquals(2, reply.candidates().size(), "one round only");
    assertEquals("", reply.text());
  }

  @Test
  void aScoredReplyCancelledBeforeItsFirstTokenScoresTheEmptyCandidatesZero() {
    PersonaGenerator g = generator().seed(3).head(meanProbe("probe", 3))
        .policy(SelectionPolicy.builder().candidatesPerRound(3).scorer(CandidateScorer.head("probe")).build()).build();
    Reply reply = g.reply(HELLO, ReplyOptions.builder().cancelledWhen(() -> true).build());
    assertEquals(FinishReason.CANCELLED, reply.finishReason());
    assertEquals(3, reply.candidates().size());
    reply.candidates().forEach(c -> assertEquals(0.0, c.scores().get("probe")));
  }

  @Test
  void aDeadlineEndsTheReplyWithWhatWasDecoded() {
    PersonaGenerator g = generator().seed(3).deadline(Duration.ofNanos(1))
        .stop(StopConditions.builder().maxNewTokens(60).build()).build();
    Reply reply = g.reply(HELLO);
    assertEquals(FinishReason.DEADLINE, reply.finishReason());
    assertTrue(reply.chosen().tokenCount() < 60);
  }

  @Test
  void steeringAlongADirectionChangesTheOutput() {
    PersonaGenerator.Builder greedy = generator().sampler(SamplerSettings.greedy()).seed(1);
    Reply plain = greedy.build().reply(HELLO);
    float[] direction = new float[model.info().hiddenSize()];
    for (int i = 0; i < direction.length; i++) {
      direction[i] = (i % 3) - 1;
    }
    Reply steered = generator().sampler(SamplerSettings.greedy()).seed(1).steer(1, direction, 8f).build().reply(HELLO);
    assertFalse(java.util.Arrays.equals(plain.chosen().tokens(), steered.chosen().tokens()),
        "steering must change the greedy continuation");
    Reply again = greedy.build().reply(HELLO);
    assertArrayEquals(plain.chosen().tokens(), again.chosen().tokens(), "steering does not leak into later replies");
  }

  /** A persona vector at {@code layer} along a fixed non-unit direction. */
  static PersonaVector personaVector(int layer) {
    int hidden = model.info().hiddenSize();
    float[] direction = new float[hidden];
    for (int i = 0; i < hidden; i++) {
      direction[i] = (float) (2 * Math.cos(0.7 * i));
    }
    return (PersonaVector) Head.fromParameters(HeadKind.PERSONA_VECTOR, "axis", new int[] {layer}, hidden,
        Map.of("direction", new Tensor(new long[] {hidden}, direction),
            "calibration", new Tensor(new long[] {2}, new float[] {1f, 0f})),
        Map.of("pooling", "mean"));
  }

  static double projection(float[] x, PersonaVector vector) {
    float[] d = vector.direction();
    double dot = 0;
    double norm = 0;
    for (int i = 0; i < d.length; i++) {
      dot += (double) x[i] * d[i];
      norm += (double) d[i] * d[i];
    }
    return dot / Math.sqrt(norm);
  }

  @Test
  void cappingLiftsEveryReplyTokenToTheThresholdAtTheCappedLayers() {
    PersonaVector axis = personaVector(2);
    PersonaGenerator.Builder plainBuilder = generator().sampler(SamplerSettings.greedy()).seed(1).keepActivations(1, 2);
    Reply plain = plainBuilder.build().reply(HELLO);
    CandidateActivations plainActivations = plain.activations(plain.chosen()).orElseThrow();
    float threshold = PersonaGenerator.capThreshold(axis, List.of(plainActivations), 90);

    Reply off = plainBuilder.cap(axis, -1e6f, 1, 2).build().reply(HELLO);
    assertArrayEquals(plain.chosen().tokens(), off.chosen().tokens(), "a cap below every token changes nothing");
    float[][] offRows = off.activations(off.chosen()).orElseThrow().layer(2);
    for (int t = 0; t < offRows.length; t++) {
      // Equal up to float rounding: with a cap the prompt's last position is computed as a step of its own.
      assertArrayEquals(plainActivations.layer(2)[t], offRows[t], 1e-5f, "token " + t);
    }

    // combined with steering and best-of-3: every candidate's tokens are capped
    Reply capped = generator().seed(1).keepActivations(2).steer(1, axis.direction(), -2f).cap(axis, threshold, 2)
        .head(meanProbe("probe", 2))
        .policy(SelectionPolicy.builder().candidatesPerRound(3).scorer(CandidateScorer.head("probe")).build())
        .build().reply(HELLO);
    assertEquals(3, capped.candidates().size());
    int below = 0;
    for (float[] row : plainActivations.layer(2)) {
      below += projection(row, axis) < threshold ? 1 : 0;
    }
    assertTrue(below > 0, "the 90th percentile leaves plain tokens below it");
    for (Candidate c : capped.candidates()) {
      for (float[] row : capped.activations(c).orElseThrow().layer(2)) {
        assertTrue(projection(row, axis) >= threshold - 1e-4, "candidate " + c.index() + " projects " + projection(row, axis)
            + " < " + threshold);
      }
    }
    Reply again = plainBuilder.build().reply(HELLO);
    assertArrayEquals(plain.chosen().tokens(), again.chosen().tokens(), "capping does not leak into other generators");
  }

  @Test
  void capsAtTheirOwnLayersHoldOnlyForTheReplysFirstPositions() {
    PersonaVector axis = personaVector(1);
    float[] other = new float[model.info().hiddenSize()];
    for (int i = 0; i < other.length; i++) {
      other[i] = (float) Math.sin(0.3 * i + 1);
    }
    PersonaVector second = (PersonaVector) Head.fromParameters(HeadKind.PERSONA_VECTOR, "second", new int[] {2},
        other.length, Map.of("direction", new Tensor(new long[] {other.length}, other),
            "calibration", new Tensor(new long[] {2}, new float[] {1f, 0f})), Map.of("pooling", "mean"));
    PersonaGenerator.Builder plainBuilder = generator().sampler(SamplerSettings.greedy()).seed(1).keepActivations(1, 2);
    Reply plain = plainBuilder.build().reply(HELLO);
    CandidateActivations plainActivations = plain.activations(plain.chosen()).orElseThrow();
    float threshold1 = PersonaGenerator.capThreshold(axis, List.of(plainActivations), 90);
    float threshold2 = PersonaGenerator.capThreshold(second, List.of(plainActivations), 90);
    int positions = 3;
    Reply early = plainBuilder.cap(axis, threshold1, 1).alsoCap(2, other, threshold2).capPositions(positions).build()
        .reply(HELLO);
    int[] tokens = early.chosen().tokens();
    assertTrue(tokens.length > positions + 2, "a reply long enough to run free after the capped positions");
    CandidateActivations a = early.activations(early.chosen()).orElseThrow();

    // By hand: the stream entering layer 1 depends only on the tokens (nothing before it is capped), so an
    // uncapped pass over the prompt and the reply gives it; the cap lifts the rows of the prompt's last
    // position and of the first positions - 1 reply tokens (the rows deciding the first tokens) to τ along
    // the unit axis, x + max(0, τ − x·d)·d, and leaves every later row as it is.
    int[] prompt = assembler.assemble(mara, HELLO, "User", model.info().contextLength() - 16).ids();
    int[] all = Arrays.copyOf(prompt, prompt.length + tokens.length);
    System.arraycopy(tokens, 0, all, prompt.length, tokens.length);
    float[][] raw;
    try (DecodingState state = model.newState()) {
      raw = state.prefill(List.of(all), ForwardRequest.allPositions(1)).hidden(0, 1);
    }
    double[] d = unit(axis.direction());
    for (int t = 0; t < tokens.length; t++) {
      float[] x = raw[prompt.length + t];
      float[] expected = x.clone();
      if (t < positions - 1) {
        double lift = Math.max(0, threshold1 - projection(x, axis));
        for (int i = 0; i < x.length; i++) {
          expected[i] = (float) (x[i] + lift * d[i]);
        }
      }
      assertArrayEquals(expected, a.layer(1)[t], 1e-4f, "reply token " + t);
    }
    // The second cap holds at its own layer, along its own direction, for the same positions only.
    int belowLater = 0;
    for (int t = 0; t < tokens.length; t++) {
      double p = projection(a.layer(2)[t], second);
      if (t < positions - 1) {
        assertTrue(p >= threshold2 - 1e-4, "token " + t + " projects " + p + " < " + threshold2);
      } else {
        belowLater += p < threshold2 - 1e-3 ? 1 : 0;
      }
    }
    assertTrue(belowLater > 0, "after the capped positions the stream runs free, below τ at some tokens");

    // A second round of candidates is capped at the same positions again.
    Reply rounds = generator().seed(3).keepActivations(1).cap(axis, threshold1, 1).capPositions(positions)
        .head(meanProbe("probe", 2)).policy(SelectionPolicy.builder().firstAboveThreshold(1.0, 2).candidatesPerRound(2)
            .scorer(CandidateScorer.head("probe")).build())
        .build().reply(HELLO);
    assertEquals(4, rounds.candidates().size());
    for (Candidate c : rounds.candidates()) {
      float[][] rows = rounds.activations(c).orElseThrow().layer(1);
      for (int t = 0; t < Math.min(positions - 1, rows.length); t++) {
        assertTrue(projection(rows[t], axis) >= threshold1 - 1e-4, "candidate " + c.index() + " token " + t);
      }
    }
    assertThrows(InvalidSettingException.class, () -> generator().cap(axis, 0f, 1).alsoCap(1, other, 0f));
    assertThrows(InvalidSettingException.class, () -> generator().capPositions(-1));
    Reply again = generator().seed(3).keepActivations(1).cap(axis, threshold1, 1).capPositions(positions)
        .head(meanProbe("probe", 2)).policy(SelectionPolicy.builder().firstAboveThreshold(1.0, 2).candidatesPerRound(2)
            .scorer(CandidateScorer.head("probe")).build())
        .build().reply(HELLO);
    assertArrayEquals(rounds.chosen().tokens(), again.chosen().tokens(), "deterministic");
  }

  @Test
  void headsJudgeACappedCandidateByTheRowsAfterItsCappedPositions() {
    PersonaVector axis = personaVector(1);
    Reply plain = generator().sampler(SamplerSettings.greedy()).seed(1).keepActivations(1).build().reply(HELLO);
    float threshold = PersonaGenerator.capThreshold(axis, List.of(plain.activations(plain.chosen()).orElseThrow()), 90);
    Head probe = meanProbe("probe", 2);
    int positions = 3;
    Reply capped = generator().seed(4).keepActivations(2).cap(axis, threshold, 1, 2).capPositions(positions).head(probe)
        .policy(SelectionPolicy.builder().candidatesPerRound(3).scorer(CandidateScorer.head("probe")).build())
        .build().reply(HELLO);
    int judged = 0;
    for (Candidate c : capped.candidates()) {
      CandidateActivations all = capped.activations(c).orElseThrow();
      float[][] rows = all.layer(2);
      // The capped rows are lifted toward the persona by the cap itself: the head reads the rows after them.
      CandidateActivations after = rows.length > positions - 1
          ? CandidateActivations.wrap(new int[] {2}, new float[][][] {Arrays.copyOfRange(rows, positions - 1, rows.length)})
          : all;
      assertEquals(probe.score(after), c.scores().get("probe"), 1e-9, "candidate " + c.index());
      if (rows.length > positions - 1) {
        judged++;
        assertNotEquals(probe.score(all), c.scores().get("probe"), 1e-9, "the capped rows are left out");
      }
    }
    assertTrue(judged > 0, "some candidate runs past its capped positions");
  }

  @Test
  void capsOnRetriesOnlyLeaveTheFirstRoundUncappedAndCapTheRetry() {
    PersonaVector axis = personaVector(1);
    Reply plain = generator().sampler(SamplerSettings.greedy()).seed(1).keepActivations(1).build().reply(HELLO);
    float threshold = PersonaGenerator.capThreshold(axis, List.of(plain.activations(plain.chosen()).orElseThrow()), 90);
    CandidateFilter none = new CandidateFilter() {
      @Override
      public String name() {
        return "none";
      }

      @Override
      public FilterVerdict check(Candidate candidate) {
        return FilterVerdict.reject(name(), "every candidate fails, so a second round runs");
      }
    };
    SelectionPolicy twoRounds = SelectionPolicy.builder().candidatesPerRound(3).bestOfN(2).filter(none).build();
    List<Candidate> uncapped = generator().seed(4).policy(twoRounds).build().reply(HELLO).candidates();
    List<Candidate> capped = generator().seed(4).policy(twoRounds).cap(axis, threshold, 1, 2).capPositions(3).build()
        .reply(HELLO).candidates();
    List<Candidate> retries = generator().seed(4).policy(twoRounds).cap(axis, threshold, 1, 2).capPositions(3)
        .capRetriesOnly(true).build().reply(HELLO).candidates();
    assertEquals(6, retries.size());
    assertNotEquals(texts(uncapped, 0), texts(capped, 0), "the caps change what is decoded");
    assertEquals(texts(uncapped, 0), texts(retries, 0), "the first round is the model's own");
    assertEquals(texts(capped, 1), texts(retries, 1), "the retry is capped, as every round of a capped generator");
  }

  private static List<String> texts(List<Candidate> candidates, int round) {
    return candidates.stream().filter(c -> c.round() == round).map(Candidate::text).toList();
  }

  private static double[] unit(float[] v) {
    double norm = 0;
    for (float f : v) {
      norm += (double) f * f;
    }
    double[] u = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = v[i] / Math.sqrt(norm);
    }
    return u;
  }

  @Test
  void capThresholdIsAPercentileOfInCharacterTokenProjections() {
    PersonaVector axis = personaVector(1);
    float[] unit = axis.direction();
    double norm = 0;
    for (float f : unit) {
      norm += (double) f * f;
    }
    float[][] tokens = new float[10][];
    for (int t = 0; t < 10; t++) {
      tokens[t] = new float[unit.length];
      for (int i = 0; i < unit.length; i++) {
        tokens[t][i] = (float) ((t + 1) * unit[i] / Math.sqrt(norm)); // projection t + 1
      }
    }
    CandidateActivations first = CandidateActivations.wrap(new int[] {1}, new float[][][] {Arrays.copyOfRange(tokens, 0, 4)});
    CandidateActivations second = CandidateActivations.wrap(new int[] {1}, new float[][][] {Arrays.copyOfRange(tokens, 4, 10)});
    List<CandidateActivations> inCharacter = List.of(second, first);
    assertEquals(1f, PersonaGenerator.capThreshold(axis, inCharacter, 0), 1e-4);
    assertEquals(3f, PersonaGenerator.capThreshold(axis, inCharacter, 25), 1e-4);
    assertEquals(5f, PersonaGenerator.capThreshold(axis, inCharacter, 50), 1e-4);
    assertEquals(10f, PersonaGenerator.capThreshold(axis, inCharacter, 100), 1e-4);
    assertThrows(InvalidSettingException.class, () -> PersonaGenerator.capThreshold(axis, inCharacter, 101));
    assertThrows(InvalidSettingException.class, () -> PersonaGenerator.capThreshold(axis, List.of(), 50));
    InvalidSettingException layer = assertThrows(InvalidSettingException.class,
        () -> PersonaGenerator.capThreshold(personaVector(2), inCharacter, 50));
    assertTrue(layer.getMessage().contains("layer 2"), layer.getMessage());
  }

  @Test
  void badCapsAreTypedErrorsNamingTheValue() {
    float[] direction = personaVector(1).direction();
    int layers = model.info().layers();
    InvalidSettingException layer = assertThrows(InvalidSettingException.class,
        () -> generator().cap(new int[] {1, layers}, direction, 0f));
    assertTrue(layer.getMessage().contains(Integer.toString(layers)), layer.getMessage());
    assertThrows(InvalidSettingException.class, () -> generator().cap(new int[0], direction, 0f));
    assertThrows(InvalidSettingException.class, () -> generator().cap(new int[] {1}, new float[3], 0f));
    assertThrows(InvalidSettingException.class, () -> generator().cap(new int[] {1}, new float[direction.length], 0f));
    assertThrows(InvalidSettingException.class, () -> generator().cap(new int[] {1}, direction, Float.NaN));
  }

  @Test
  void oneModelServesManyThreadsWithTheSameResultsAsOne() throws Exception {
    PersonaGenerator g = generator().head(meanProbe("probe", 2))
        .policy(SelectionPolicy.builder().candidatesPerRound(3).scorer(CandidateScorer.head("probe")).build()).build();
    List<String> sequential = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sequential.add(g.reply(HELLO, ReplyOptions.builder().seed(100 + i).build()).text());
    }
    ExecutorService executor = Executors.newFixedThreadPool(3);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        long seed = 100 + i;
        futures.add(executor.submit(() -> g.reply(HELLO, ReplyOptions.builder().seed(seed).build()).text()));
      }
      for (int i = 0; i < 6; i++) {
        assertEquals(sequential.get(i), futures.get(i).get(120, TimeUnit.SECONDS), "reply " + i);
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void invalidSettingsAreTypedErrorsNamingTheValue() {
    InvalidSettingException n = assertThrows(InvalidSettingException.class, () -> generator().candidates(0));
    assertTrue(n.getMessage().contains("candidatesPerRound"), n.getMessage());
    Head wrongLayer = Head.fromParameters(HeadKind.PERSONA_VECTOR, "deep", new int[] {model.info().layers() + 3},
        model.info().hiddenSize(), Map.of("direction", new Tensor(new long[] {model.info().hiddenSize()},
            ones(model.info().hiddenSize())), "calibration", new Tensor(new long[] {2}, new float[] {1f, 0f})),
        Map.of("pooling", "mean"));
    InvalidSettingException layer = assertThrows(InvalidSettingException.class, () -> generator().head(wrongLayer).build());
    assertTrue(layer.getMessage().contains("7"), layer.getMessage());
    assertThrows(InvalidSettingException.class, () -> generator().steer(0, new float[3], 1f));
    assertThrows(InvalidSettingException.class, () -> generator().userName(" "));
  }

  @Test
  void baseFramingStopStringsEndTheCandidateWithoutTheStopString() {
    // With the user's label as a stop string, no reply ever contains "\nUser:".
    PersonaGenerator g = generator().seed(21).stop(StopConditions.builder().maxNewTokens(40).build())
        .candidates(8).build();
    Reply reply = g.reply(HELLO);
    for (Candidate c : reply.candidates()) {
      assertFalse(c.text().contains("\nUser:"), c.text());
    }
    assertTrue(reply.prompt().stopStrings().contains("\nUser:"), reply.prompt().stopStrings().toString());
  }

  @Test
  void replyOptionsOverrideTheGeneratorsSettingsForOneCall() {
    PersonaGenerator g = generator().seed(9).stop(StopConditions.builder().maxNewTokens(30).build())
        .sampler(SamplerSettings.builder().temperature(1.0).bannedTokens(model.generationConfig().eosTokenIds()).build())
        .build();
    Reply limited = g.reply(HELLO, ReplyOptions.builder().maxNewTokens(3).candidates(3).build());
    assertEquals(3, limited.candidates().size());
    for (Candidate c : limited.candidates()) {
      assertEquals(3, c.tokenCount());
      assertEquals(FinishReason.MAX_TOKENS, c.finishReason());
    }
    Reply greedy = g.reply(HELLO, ReplyOptions.builder().sampler(SamplerSettings.greedy()).build());
    Reply greedyGenerator = g.toBuilder().sampler(SamplerSettings.greedy()).build().reply(HELLO);
    assertArrayEquals(greedyGenerator.chosen().tokens(), greedy.chosen().tokens());
    assertEquals(30, greedy.chosen().tokenCount(), "the generator's own limit applies without an override");
    // A stop string from the greedy text's middle ends the candidate before it.
    String stopAt = greedy.text().substring(greedy.text().length() / 2, greedy.text().length() / 2 + 2);
    Reply stopped = g.reply(HELLO, ReplyOptions.builder().sampler(SamplerSettings.greedy()).stopStrings(List.of(stopAt)).build());
    assertEquals(FinishReason.STOP_STRING, stopped.finishReason());
    assertEquals(greedy.text().substring(0, greedy.text().indexOf(stopAt)), stopped.text());
    assertThrows(InvalidSettingException.class, () -> ReplyOptions.builder().candidates(0).build());
    assertThrows(InvalidSettingException.class, () -> ReplyOptions.builder().maxNewTokens(0).build());
  }

  @Test
  void toBuilderKeepsEverySettingAndDerivesAnotherGenerator() {
    Head head = meanProbe("probe", 3);
    PersonaGenerator g = generator().seed(5).head(head).userName("Ana")
        .policy(SelectionPolicy.builder().candidatesPerRound(3).scorer(CandidateScorer.head("probe")).build()).build();
    PersonaGenerator same = g.toBuilder().build();
    assertEquals(g.reply(HELLO).text(), same.reply(HELLO).text());
    assertEquals(List.of(head), same.heads());
    assertEquals("Ana", same.userName());
    assertSame(g.policy(), same.policy());
    PersonaGenerator other = g.toBuilder().seed(6).candidates(2).build();
    assertEquals(2, other.reply(HELLO).candidates().size());
    assertEquals(3, g.reply(HELLO).candidates().size(), "the original is unchanged");
  }

  @Test
  void aScorerNamingAMissingHeadFailsAtBuildNamingTheHeadsAvailable() {
    PersonaGenerator.Builder b = generator().head(meanProbe("in_character", 3))
        .policy(SelectionPolicy.builder().candidatesPerRound(8).scorer(CandidateScorer.head("in_charcter")).build());
    InvalidSettingException e = assertThrows(InvalidSettingException.class, b::build);
    assertTrue(e.getMessage().contains("in_charcter") && e.getMessage().contains("[in_character]"), e.getMessage());
    InvalidSettingException none = assertThrows(InvalidSettingException.class, () -> generator()
        .policy(SelectionPolicy.builder().scorer(CandidateScorer.weighted(Map.of("voice", 1.0))).build()).build());
    assertTrue(none.getMessage().contains("voice"), none.getMessage());
  }

  @Test
  void greetingsComeBackWithPlaceholdersResolved() {
    Persona withGreeting = Persona.builder().name("Mara").greetings(List.of("Ahoy {{user}}! {{char}} at your service."))
        .build();
    PersonaGenerator g = PersonaGenerator.builder(model, withGreeting).assembler(assembler).userName("Ana")
        .stop(StopConditions.builder().maxNewTokens(16).build()).build();
    assertEquals(List.of("Ahoy Ana! Mara at your service."), g.greetings());
  }

  /** A template that would loop 10^10 times stops at the reply's cancellation, not after it. */
  @Test
  void aTemplateThatRunsLongStopsWhenTheReplyIsCancelled() {
    ChatTemplate endless = ChatTemplate.compile("{% for i in range(100000) %}{% for j in range(100000) %}"
        + "{% endfor %}{% endfor %}{% for m in messages %}{{ m.content }}{% endfor %}");
    PersonaGenerator g = generator().assembler(PromptAssembler.chat(model.tokenizer(), endless)).build();
    AtomicInteger asked = new AtomicInteger();
    TemplateException e = assertThrows(TemplateException.class,
        () -> g.reply(HELLO, ReplyOptions.builder().cancelledWhen(() -> asked.incrementAndGet() > 3).build()));
    assertTrue(e.limitReached() && e.getMessage().contains("stopped"), e.getMessage());
  }
}
