package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.training.TrainableTransformer;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo trainer on a tiny corpus and a tiny model: seconds, not minutes. */
class DemoTrainerTest {
  private static final DemoTrainerSettings TINY = new DemoTrainerSettings(11,
      new DemoTrainerSettings.ModelShape(32, 2, 4, 2, 64, 512, 420),
      new DemoTrainerSettings.Schedule(40, 4, 1e-2f, 3, 0.1f, 0.05f, 1.0f),
      new DemoTrainerSettings.Data(2, 3, 0.1, "User", new CorpusGenerator.Sizes(16, 2, 16)));

  @Test
  void aFewStepsLowerTheLossAndTheSavedModelReloadsToTheSameLogits(@TempDir Path dir) {
    Corpus corpus = TINY.corpusGenerator().generate();
    Map<String, Persona> personas = DemoTrainingData.personas(corpus, CorpusMain.locateExamplePersonas());
    List<String> texts = new ArrayList<>();
    corpus.personas().forEach(p -> p.generatedDefinition().ifPresent(texts::add));
    TokenizerBuilder.forCorpus(corpus, texts, TINY.model().vocabularySize()).write(dir);
    try (Tokenizer tokenizer = Tokenizer.load(dir); NDManager manager = NDManager.newBaseManager()) {
      int eot = tokenizer.tokenId("<|im_end|>").orElseThrow();
      PromptAssembler assembler = PromptAssembler.chat(tokenizer,
          ChatTemplate.compile(tokenizer.chatTemplate().orElseThrow())).withDefinitionStyle(DefinitionStyle.COMPACT);
      List<DemoTrainingData.Sequence> sequences = new ArrayList<>();
      for (DemoTrainingData.Dialogue d : DemoTrainingData.dialogues(corpus.examples(), 2, 3, new SplittableRandom(1))) {
        DemoTrainingData.Sequence s = DemoTrainingData.render(d, personas.get(d.persona()), assembler, tokenizer,
            "User", eot, 512);
        // the loss falls on the replies: every reply's last predicted token is the end of turn
        int[] ids = s.ids();
        assertEquals(eot, ids[ids.length - 1]);
        assertTrue(s.predictsReply()[ids.length - 2]);
        assertFalse(s.predictsReply()[0], "the definition is not trained on");
        sequences.add(s);
      }
      ModelConfig config = TINY.model().config(tokenizer.vocabSize(), 0, eot, 0);
      TrainableTransformer model = TrainableTransformer.initialise(config, manager, TINY.seed());
      List<DemoTrainer.StepRecord> records = new ArrayList<>();
      new DemoTrainer(TINY).train(model, sequences,
          new DemoTrainer.BatchOrder(sequences, TINY.schedule().batchSize(), new SplittableRandom(2)), records,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertEquals(TINY.schedule().steps(), records.size());
      float first = records.get(0).loss();
      float last = LossCurve.tailMean(records, 5);
      System.out.printf("demo trainer: loss %.3f -> %.3f over %d steps%n", first, last, records.size());
      assertTrue(last < 0.85f * first, "loss " + first + " -> " + last);

      int[] ids = sequences.get(0).ids();
      long[] input = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        input[i] = ids[i];
      }
      float[] trained;
      try (NDScope scope = new NDScope()) {
        trained = model.forward(manager.create(input, new Shape(1, ids.length))).toFloatArray();
      }
      model.save(dir);
      model.close();
      try (LanguageModel loaded = Backends.load(dir); DecodingState state = loaded.newState()) {
        assertEquals(List.of(eot), loaded.generationConfig().eosTokenIds());
        Forward f = state.prefill(List.of(ids), ForwardRequest.allPositions());
        int vocab = config.vocabSize();
        double max = 0;
        for (int t = 0; t < ids.length; t++) {
          float[] row = f.logits(0)[t];
          for (int v = 0; v < vocab; v++) {
            max = Math.max(max, Math.abs(row[v] - trained[t * vocab + v]));
          }
        }
        System.out.printf("demo trainer: reloaded max |Δlogits| %.2e over %d positions%n", max, ids.length);
        assertTrue(max <= 1e-4, "reloaded logits differ by " + max);
      }
    }
  }

  @Test
  void theScheduleWarmsUpLinearlyThenDecaysToItsFloorAndBadShapesAreRejected() {
    DemoTrainerSettings.Schedule schedule = TINY.schedule();
    assertEquals(1e-2f / 3, schedule.learningRate(1), 1e-9);
    assertEquals(1e-2f, schedule.learningRate(3), 1e-9);
    assertEquals(1e-3f, schedule.learningRate(40), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> schedule.withSteps(2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DemoTrainerSettings.ModelShape(30, 2, 4, 2, 64, 512, 420));
    assertEquals("hiddenSize must be a multiple of heads (4), got 30", e.getMessage());
    assertTrue(DemoTrainerSettings.DEFAULT.asOptions().startsWith("--seed 7 --hidden 128 --layers 4 --heads 4"));
  }

  @Test
  void theWholePipelineWritesALoadableModelDirectory(@TempDir Path dir) throws Exception {
    DemoTrainerSettings settings = new DemoTrainerSettings(TINY.seed(), TINY.model(), TINY.schedule().withSteps(6, 2), TINY.data());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    DemoTrainer.Result r = new DemoTrainer(settings).train(dir, CorpusMain.locateExamplePersonas(),
        new PrintStream(log, true, StandardCharsets.UTF_8), "test");
    String progress = log.toString(StandardCharsets.UTF_8);
    assertTrue(progress.contains("step 6/6") && progress.contains("tok/s") && progress.contains("ETA"), progress);
    assertEquals(6, r.steps());
    for (String f : List.of("config.json", "model.safetensors", "generation_config.json", "tokenizer.json",
        "tokenizer_config.json", "persona4j.json", "heldout.jsonl", "loss.csv", "loss.png", "TRAINING.md")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
    assertEquals(7, Files.readAllLines(dir.resolve("loss.csv")).size(), "header and one line per step");
    assertNotNull(ImageIO.read(dir.resolve("loss.png").toFile()));
    ObjectMapper json = new ObjectMapper();
    JsonNode settingsFile = json.readTree(dir.resolve("persona4j.json").toFile());
    assertEquals("compact", settingsFile.get("definition_style").asText());
    assertEquals("User", settingsFile.get("user_name").asText());
    List<String> heldOut = Files.readAllLines(dir.resolve("heldout.jsonl"));
    assertEquals(r.heldOutExamples(), heldOut.size());
    int outOfCharacter = 0;
    for (String line : heldOut) {
      JsonNode e = json.readTree(line);
      DriftLabel label = DriftLabel.parse(e.get("label").asText());
      assertEquals(label.isInCharacter(), e.get("in_character").asBoolean());
      assertTrue(e.get("prompt").asText().endsWith("<|im_start|>assistant\n"), line);
      assertTrue(e.get("prompt").asText().contains(e.get("user").asText()), line);
      outOfCharacter += label.isInCharacter() ? 0 : 1;
    }
    assertTrue(outOfCharacter > 0, "the held-out split has drifted replies too");
    assertTrue(Files.readString(dir.resolve("TRAINING.md")).contains("| steps | 6 |"));
    try (LanguageModel lm = Backends.load(dir)) {
      assertEquals(r.parameters(), parameterCount(lm.info()));
      assertEquals("llama", lm.info().architecture());
    }
  }

  /** Parameters of a tied-embedding Llama from its shape, to cross-check the trainer's count. */
  private static long parameterCount(dev.persona4j.core.backend.ModelInfo i) {
    long h = i.hiddenSize();
    long kv = (long) i.kvHeads() * i.headDim();
    long q = (long) i.heads() * i.headDim();
    long inter = TINY.model().intermediateSize();
    long layer = h * q + 2 * h * kv + q * h + 3 * h * inter + 2 * h;
    return (long) i.vocabSize() * h + i.layers() * layer + h;
  }
}
