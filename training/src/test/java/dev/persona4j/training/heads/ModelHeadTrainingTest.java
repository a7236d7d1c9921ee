package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFileException;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.samplers.InvalidSettingException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both head kinds, trained in Java on activations the llama fixture computes for a synthetic
 * labelled set, separate a held-out test set scored through {@link Head#score}; saved heads load
 * back to the same scores and refuse other models.
 */
class ModelHeadTrainingTest {
  static LanguageModel llama;
  static LabeledDataset training;
  static List<LabeledExample> test;
  static List<CandidateActivations> testActivations;

  @BeforeAll
  static void load() {
    llama = Backends.load(Fixtures.model("llama"));
    training = LabeledDataset.of(SyntheticPersonaData.replies(320, 1));
    test = SyntheticPersonaData.replies(160, 2);
    int middle = HeadTrainer.defaultLayer(llama.info());
    testActivations = ActivationCollector.builder(llama).taps(middle).build().collect(test);
  }

  @AfterAll
  static void close() {
    llama.close();
  }

  @Test
  void defaultLayerIsTheMiddleOfTheModel() {
    assertEquals(4, llama.info().layers());
    assertEquals(2, HeadTrainer.defaultLayer(llama.info()));
  }

  @Test
  void linearProbeSeparatesHeldOutRepliesAndRoundTrips(@TempDir Path dir) {
    int middle = HeadTrainer.defaultLayer(llama.info());
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    TrainedHead trained = new HeadTrainer().train(llama, training,
        HeadSpec.linearProbe("in-character-probe", new int[] {middle}, Pooling.MEAN),
        TrainingOptions.builder().seed(7).maxEpochs(60).progress(new PrintStream(progress, true, StandardCharsets.UTF_8))
            .build());
    String bar = progress.toString(StandardCharsets.UTF_8);
    assertTrue(bar.contains("collecting activations [") && bar.contains("320/320 examples"), bar);
    assertTrue(bar.contains("in-character-probe ["), bar);

    double accuracy = heldOutAccuracy(trained.head());
    report("linear probe", trained, accuracy);
    assertTrue(accuracy > 0.95, "held-out accuracy " + accuracy);

    roundTripAndBinding(trained, dir);
  }

  @Test
  void attentionHeadSeparatesHeldOutRepliesAndRoundTrips(@TempDir Path dir) {
    int middle = HeadTrainer.defaultLayer(llama.info());
    TrainedHead trained = new HeadTrainer().train(llama, training,
        HeadSpec.attentionHead("in-character-attention", new int[] {middle}),
        TrainingOptions.builder().seed(7).maxEpochs(60).build());

    double accuracy = heldOutAccuracy(trained.head());
    report("attention head", trained, accuracy);
    assertTrue(accuracy > 0.95, "held-out accuracy " + accuracy);

    roundTripAndBinding(trained, dir);
  }

  @Test
  void aLayerOutsideTheModelIsRefusedBeforeAnythingRuns() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> new HeadTrainer().train(llama, training,
        HeadSpec.linearProbe("p", new int[] {2, 5}, Pooling.MEAN), TrainingOptions.defaults()));
    assertEquals("5", e.value());
    assertTrue(e.getMessage().contains("layer = 5") && e.getMessage().contains("0..4"), e.getMessage());
  }

  private static double heldOutAccuracy(Head head) {
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      boolean predicted = head.score(testActivations.get(i)) >= head.threshold();
      correct += predicted == test.get(i).positive() ? 1 : 0;
    }
    return correct / (double) test.size();
  }

  /** Saves, reloads onto llama (same scores), and is refused by mistral and by an edited llama. */
  private static void roundTripAndBinding(TrainedHead trained, Path dir) {
    Head head = trained.head();
    Path weights = trained.save(dir, llama.info());
    assertEquals(dir.resolve(head.name() + ".safetensors"), weights);
    assertTrue(Files.isRegularFile(dir.resolve(head.name() + ".json")));

    Head loaded = HeadFiles.load(weights, llama);
    assertEquals(head.kind(), loaded.kind());
    assertEquals(head.threshold(), loaded.threshold());
    for (CandidateActivations a : testActivations) {
      assertEquals(head.logit(a), loaded.logit(a), "logit after reload");
      // The calibration is stored as float32, so the first reload may move a probability by an ulp or so.
      assertEquals(head.score(a), loaded.score(a), 1e-6, "score after reload");
    }
    Head again = HeadFiles.load(HeadFiles.save(dir.resolve("again"), loaded, llama.info()), llama.info());
    for (CandidateActivations a : testActivations) {
      assertEquals(loaded.score(a), again.score(a), "score after a second round trip");
    }

    try (LanguageModel mistral = Backends.load(Fixtures.model("mistral"))) {
      HeadFileException e = assertThrows(HeadFileException.class, () -> HeadFiles.load(weights, mistral));
      assertTrue(e.getMessage().contains("'" + head.name() + "'") && e.getMessage().contains("trained on llama")
          && e.getMessage().contains("this model is mistral") && e.getMessage().contains("architecture (llama vs mistral)"),
          e.getMessage());
    }
  }

  private static void report(String what, TrainedHead trained, double accuracy) {
    double sink = 0;
    for (int r = 0; r < 30; r++) { // warm up the JIT: the generator scores on a hot path
      for (CandidateActivations a : testActivations) {
        sink += trained.head().score(a);
      }
    }
    // The fastest of several passes: the cores are shared, and the slow passes measure the neighbours.
    double micros = Double.POSITIVE_INFINITY;
    for (int pass = 0; pass < 7; pass++) {
      long started = System.nanoTime();
      for (int r = 0; r < 5; r++) {
        for (CandidateActivations a : testActivations) {
          sink += trained.head().score(a);
        }
      }
      micros = Math.min(micros, (System.nanoTime() - started) / 1e3 / (5 * testActivations.size()));
    }
    System.out.println(String.format(Locale.ROOT,
        "[heads] %s: held-out test accuracy %.3f (%d candidates), validation AUC %.3f, ECE %.3f, %d epochs, "
            + "trained in %.1f s, scoring %.1f µs per candidate (%.1f avg tokens) [%s]",
        what, accuracy, test.size(), trained.summary().validationAuc(), trained.summary().expectedCalibrationError(),
        trained.summary().epochs(), trained.summary().seconds(), micros,
        testActivations.stream().mapToInt(CandidateActivations::tokens).average().orElse(0), sink > 0 ? "ok" : "?"));
    assertFalse(Double.isNaN(sink));
  }
}
