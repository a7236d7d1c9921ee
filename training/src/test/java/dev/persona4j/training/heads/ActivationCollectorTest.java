package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.core.heads.Tensor;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.StopConditions;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The activations collected for training are the numbers the generator reads: a reply's collected
 * activations equal what prefilling the prompt and stepping each reply token captures.
 */
class ActivationCollectorTest {
  static final int[] TAPS = {0, 2, 4};
  static LanguageModel llama;

  @BeforeAll
  static void load() {
    llama = Backends.load(Fixtures.model("llama"));
  }

  @AfterAll
  static void close() {
    llama.close();
  }

  @Test
  void replyActivationsEqualStepByStepDecoding() {
    // Mixed lengths in one batch, so padding and the length sort are exercised; texts mixed in too.
    List<LabeledExample> examples = new ArrayList<>(SyntheticPersonaData.replies(7, 11));
    examples.add(2, LabeledExample.text("the quick brown fox", true));
    examples.add(LabeledExample.reply("<s>[INST] hi [/INST]", " a much longer reply than the others, to pad the batch",
        false));
    List<CandidateActivations> collected =
        ActivationCollector.builder(llama).taps(TAPS).batchSize(4).build().collect(examples);
    assertEquals(examples.size(), collected.size());

    Tokenizer tokenizer = llama.tokenizer();
    double worst = 0;
    for (int i = 0; i < examples.size(); i++) {
      LabeledExample e = examples.get(i);
      CandidateActivations a = collected.get(i);
      assertArrayEquals(TAPS, a.layers());
      if (!e.isReply()) {
        int[] ids = tokenizer.encode(e.text().orElseThrow(), true);
        assertEquals(ids.length, a.tokens(), "a text is read at every position");
        try (DecodingState state = llama.newState()) {
          Forward f = state.prefill(List.of(ids), ForwardRequest.withTaps(TAPS));
          for (int tap : TAPS) {
            worst = Math.max(worst, maxDiff(f.hidden(0, tap), a.layer(tap)));
          }
        }
        continue;
      }
      int[] prompt = tokenizer.encode(e.prompt().orElseThrow(), false);
      int[] reply = tokenizer.encode(e.reply().orElseThrow(), false);
      assertEquals(reply.length, a.tokens(), "only the reply's positions are read");
      try (DecodingState state = llama.newState()) {
        int sequence = state.prefill(List.of(prompt), ForwardRequest.lastLogits()).sequence(0);
        for (int t = 0; t < reply.length; t++) {
          Forward step = state.step(new int[] {sequence}, new int[] {reply[t]}, ForwardRequest.withTaps(TAPS));
          for (int tap : TAPS) {
            float[][] stepped = step.hidden(0, tap);
            assertEquals(1, stepped.length);
            worst = Math.max(worst, maxDiff(new float[][] {stepped[0]}, new float[][] {a.layer(tap)[t]}));
          }
        }
      }
    }
    System.out.println("[heads] collected vs step-by-step activations: max |diff| " + worst);
    assertTrue(worst <= 1e-4, "collected activations differ from step-by-step decoding by " + worst);
  }

  @Test
  void candidatesTheGeneratorDecodedReadTheSameActivationsWhenCollected() {
    // One head per tap makes the generator capture exactly TAPS; it keeps them in the reply.
    List<Head> heads = new ArrayList<>();
    for (int tap : TAPS) {
      heads.add(directionAt(tap));
    }
    PersonaGenerator generator = PersonaGenerator.builder(llama, Persona.builder().name("Mara").build())
        .assembler(PromptAssembler.base(llama.tokenizer(), "{{user}} talks with {{char}}.", "***"))
        .sampler(SamplerSettings.builder().temperature(1.0).topK(40).build())
        .stop(StopConditions.builder().maxNewTokens(10).build())
        .heads(heads)
        .candidates(4)
        .seed(1)
        .keepActivations(true)
        .build();
    Reply reply = generator.reply(Conversation.empty().withUser("Tell me about the sea"));
    assertEquals(4, reply.candidates().size());
    List<int[]> prompts = new ArrayList<>();
    List<int[]> replies = new ArrayList<>();
    for (Candidate c : reply.candidates()) {
      prompts.add(reply.prompt().ids());
      replies.add(c.tokens());
    }
    List<CandidateActivations> collected =
        ActivationCollector.builder(llama).taps(TAPS).build().collectReplies(prompts, replies);
    double worst = 0;
    for (int i = 0; i < reply.candidates().size(); i++) {
      CandidateActivations generated = reply.activations(reply.candidates().get(i)).orElseThrow();
      assertArrayEquals(TAPS, generated.layers());
      for (int tap : TAPS) {
        worst = Math.max(worst, maxDiff(generated.layer(tap), collected.get(i).layer(tap)));
      }
    }
    System.out.println("[heads] collected vs generator-captured activations: max |diff| " + worst);
    assertTrue(worst <= 1e-4, "collected activations differ from the generator's by " + worst);
  }

  /** A persona-vector head reading layer {@code tap}: only its layer matters here, not its score. */
  private static Head directionAt(int tap) {
    int hidden = llama.info().hiddenSize();
    float[] direction = new float[hidden];
    direction[0] = 1f;
    return Head.fromParameters(HeadKind.PERSONA_VECTOR, "tap" + tap, new int[] {tap}, hidden,
        Map.of("direction", new Tensor(new long[] {hidden}, direction),
            "calibration", new Tensor(new long[] {2}, new float[] {1f, 0f})),
        Map.of("pooling", "mean"));
  }

  @Test
  void poolingWhileCollectingGivesThePooledActivations() {
    List<LabeledExample> examples = SyntheticPersonaData.replies(5, 3);
    List<CandidateActivations> full = ActivationCollector.builder(llama).taps(TAPS).build().collect(examples);
    for (Pooling pooling : Pooling.values()) {
      List<CandidateActivations> pooled =
          ActivationCollector.builder(llama).taps(TAPS).pooling(pooling).build().collect(examples);
      for (int i = 0; i < examples.size(); i++) {
        assertEquals(1, pooled.get(i).tokens());
        for (int tap : TAPS) {
          float[] expected = new float[llama.info().hiddenSize()];
          pooling.pool(full.get(i).layer(tap), expected, 0);
          assertArrayEquals(expected, pooled.get(i).layer(tap)[0], 1e-6f, pooling + " tap " + tap);
        }
      }
    }
  }

  @Test
  void drawsAProgressBar() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ActivationCollector.builder(llama).taps(2).batchSize(2)
        .progress(new PrintStream(out, true, StandardCharsets.UTF_8)).build()
        .collect(SyntheticPersonaData.texts(5, 1));
    String bar = out.toString(StandardCharsets.UTF_8);
    assertTrue(bar.contains("0/5 examples") && bar.contains("2/5 examples") && bar.contains("5/5 examples"), bar);
    assertTrue(bar.contains("[########################]"), bar);
  }

  @Test
  void tapsOutsideTheModelAreRefusedNamingValueAndRange() {
    InvalidSettingException high =
        assertThrows(InvalidSettingException.class, () -> ActivationCollector.builder(llama).taps(2, 5).build());
    assertEquals("tap", high.setting());
    assertEquals("5", high.value());
    assertTrue(high.getMessage().contains("tap = 5") && high.getMessage().contains("llama has 4 layers")
        && high.getMessage().contains("0..4"), high.getMessage());
    InvalidSettingException negative =
        assertThrows(InvalidSettingException.class, () -> ActivationCollector.builder(llama).taps(-1).build());
    assertTrue(negative.getMessage().contains("tap = -1"), negative.getMessage());
    InvalidSettingException twice =
        assertThrows(InvalidSettingException.class, () -> ActivationCollector.builder(llama).taps(1, 1).build());
    assertTrue(twice.getMessage().contains("listed twice"), twice.getMessage());
    assertThrows(InvalidSettingException.class, () -> ActivationCollector.builder(llama).build());
  }

  @Test
  void anExampleLongerThanTheContextIsNamed() {
    String longText = "word ".repeat(200);
    List<LabeledExample> examples = List.of(LabeledExample.text("short", true),
        LabeledExample.text(longText, false, java.util.Map.of(), "data.jsonl line 2"));
    HeadTrainingException e = assertThrows(HeadTrainingException.class,
        () -> ActivationCollector.builder(llama).taps(2).build().collect(examples));
    assertTrue(e.getMessage().startsWith("data.jsonl line 2: ") && e.getMessage().contains("context of 128"),
        e.getMessage());

    ActivationCollector collector = ActivationCollector.builder(llama).taps(2).build();
    HeadTrainingException sizes = assertThrows(HeadTrainingException.class,
        () -> collector.collectReplies(List.of(new int[] {0, 5}), List.of()));
    assertTrue(sizes.getMessage().contains("1 prompts but 0 replies"), sizes.getMessage());
    HeadTrainingException empty = assertThrows(HeadTrainingException.class,
        () -> collector.collectReplies(List.of(new int[] {0, 5}), List.of(new int[0])));
    assertTrue(empty.getMessage().contains("replyIds[0] is empty"), empty.getMessage());
    HeadTrainingException tooLong = assertThrows(HeadTrainingException.class,
        () -> collector.collectReplies(List.of(new int[100]), List.of(new int[29])));
    assertTrue(tooLong.getMessage().contains("129 tokens"), tooLong.getMessage());
  }

  private static double maxDiff(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length, "positions");
    double max = 0;
    for (int t = 0; t < expected.length; t++) {
      assertEquals(expected[t].length, actual[t].length, "hidden size");
      for (int h = 0; h < expected[t].length; h++) {
        max = Math.max(max, Math.abs(expected[t][h] - actual[t][h]));
      }
    }
    return max;
  }
}
