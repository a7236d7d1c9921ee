package dev.persona4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persona4j worker's measurement through the generator, end to end on a tiny generated
 * checkpoint (no timings asserted).
 */
class Persona4jBenchTest {
  @TempDir Path dir;

  @Test
  void probeScoresAreCalibratedProbabilities() {
    var head = Persona4jBench.probe("p", 1, 8, 5);
    float[][] tokens = {{1, 2, 3, 4, 5, 6, 7, 8}, {-1, 0, 1, 0, -1, 0, 1, 0}};
    double score = head.score(dev.persona4j.core.heads.CandidateActivations.wrap(new int[] {1},
        new float[][][] {tokens}));
    assertTrue(score > 0 && score < 1, "score " + score);
    assertEquals(1, head.layers()[0]);
  }

  @Test
  void benchPromptIsTheGeneratorsPromptCutToExactlyTheRequestedLength() {
    Path model = new SmolCheckpointGenerator(CheckpointShape.tiny(), 3).ensure(dir.resolve("tiny"));
    try (Tokenizer tokenizer = Tokenizer.load(model)) {
      for (int length : new int[] {64, 97, 128}) {
        BenchPrompt prompt = BenchPrompt.of(tokenizer, length);
        assertEquals(length, prompt.ids().length);
        assertEquals(length, BenchPrompt.assembler(tokenizer).assemble(prompt.persona(),
            prompt.conversation(), BenchPrompt.USER_NAME, Integer.MAX_VALUE).size());
      }
      BenchException tooShort = assertThrows(BenchException.class, () -> BenchPrompt.of(tokenizer, 3));
      assertTrue(tooShort.getMessage().contains("3-token prompt"), tooShort.getMessage());
    }
  }

  @Test
  void theDefaultPromptLengthFitsTheBenchmarksOwnTokenizer() throws IOException {
    Path tokenizerDir = Files.createDirectories(dir.resolve("smol-tokenizer"));
    SmolCheckpointGenerator.smolLm2Shaped().writeTokenizer(tokenizerDir);
    try (Tokenizer tokenizer = Tokenizer.load(tokenizerDir)) {
      int length = BenchSettings.fullRun().promptTokens();
      assertEquals(length, BenchPrompt.of(tokenizer, length).ids().length);
    }
  }

  @Test
  void workerMeasuresEveryFigureOnAGeneratedCheckpoint() {
    Path model = new SmolCheckpointGenerator(CheckpointShape.tiny(), 3).ensure(dir.resolve("tiny"));
    int[] prompt = BenchCommand.prompt(model, 96);
    assertEquals(96, prompt.length);
    ObjectNode result = Persona4jBench.run(new Persona4jBench.Settings(model, prompt, 4, 0, 1, 3));
    EngineRun run = EngineRun.fromJson(result);
    assertEquals("persona4j", run.engine());
    for (EngineRun.Figure figure : EngineRun.Figure.values()) {
      OptionalDouble value = run.figure(figure);
      boolean mayBeZero = figure == EngineRun.Figure.HEAD_SCORING_MS;
      assertTrue(value.isPresent() && (value.getAsDouble() > 0 || mayBeZero && value.getAsDouble() == 0),
          figure.key() + " in " + result);
    }
    int[] tokens = run.firstReplyTokens();
    assertEquals(4, tokens.length);
    try (Tokenizer tokenizer = Tokenizer.load(model)) {
      for (int t : tokens) {
        assertTrue(t >= 0 && t < tokenizer.vocabSize(), "token " + t);
      }
    }
  }

  @Test
  void workerMeasuresTheJavaEngineAndItsGreedyTokensAreTheDjlEngines() {
    Path model = new SmolCheckpointGenerator(CheckpointShape.tiny(), 3).ensure(dir.resolve("tiny"));
    int[] prompt = BenchCommand.prompt(model, 96);
    ObjectNode result = Persona4jBench.run(new Persona4jBench.Settings(model, prompt, 4, 0, 1, 3, "java"));
    EngineRun run = EngineRun.fromJson(result);
    assertEquals("java", result.get("backend").asText());
    for (EngineRun.Figure figure : EngineRun.Figure.values()) {
      OptionalDouble value = run.figure(figure);
      boolean mayBeZero = figure == EngineRun.Figure.HEAD_SCORING_MS || figure == EngineRun.Figure.ENGINE_START_SECONDS;
      assertTrue(value.isPresent() && (value.getAsDouble() > 0 || mayBeZero && value.getAsDouble() == 0),
          figure.key() + " in " + result);
    }
    EngineRun djl = EngineRun.fromJson(Persona4jBench.run(new Persona4jBench.Settings(model, prompt, 4, 0, 1, 3)));
    assertArrayEquals(djl.firstReplyTokens(), run.firstReplyTokens());
  }
}
