package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadException;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.core.heads.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeadTrainingTest {
  private SyntheticActivations train;
  private SyntheticActivations test;
  private TrainedHead probe;
  private TrainedHead attention;
  private String progressText;

  @BeforeAll
  void trainBothHeads() {
    train = new SyntheticActivations(32, 0.8, 7).draw(400, 1);
    test = new SyntheticActivations(32, 0.8, 7).draw(400, 2);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
    TrainingOptions options = TrainingOptions.builder().seed(3).maxEpochs(60).patience(8).progress(out).build();
    HeadTrainer trainer = new HeadTrainer();
    probe = trainer.train(HeadSpec.linearProbe("voice-probe", new int[] {2, 4}, Pooling.MEAN), train.examples,
        train.labelArray(), options);
    attention = trainer.train(HeadSpec.attentionHead("voice-attn", new int[] {2, 4}), train.examples,
        train.labelArray(), options);
    progressText = progress.toString(StandardCharsets.UTF_8);
    System.out.println("probe:     " + probe.summary());
    System.out.println("attention: " + attention.summary());
  }

  @Test
  void linearProbeSeparatesHeldOutCandidates() {
    double accuracy = heldOutAccuracy(probe.head());
    System.out.printf("linear probe held-out accuracy %.4f, Brier %.4f%n", accuracy, heldOutBrier(probe.head()));
    assertTrue(accuracy > 0.95, "held-out accuracy " + accuracy);
    assertTrue(heldOutBrier(probe.head()) < 0.06, "Brier " + heldOutBrier(probe.head()));
    assertSane(probe.summary());
  }

  @Test
  void attentionHeadSeparatesHeldOutCandidates() {
    double accuracy = heldOutAccuracy(attention.head());
    System.out.printf("attention head held-out accuracy %.4f, Brier %.4f%n", accuracy, heldOutBrier(attention.head()));
    assertTrue(accuracy > 0.95, "held-out accuracy " + accuracy);
    assertTrue(heldOutBrier(attention.head()) < 0.06, "Brier " + heldOutBrier(attention.head()));
    assertSane(attention.summary());
  }

  private static void assertSane(TrainedHead.Summary s) {
    assertEquals(300, s.trainExamples());
    assertEquals(100, s.validationExamples());
    assertTrue(s.validationAuc() > 0.97, "AUC " + s.validationAuc());
    assertTrue(s.expectedCalibrationError() < 0.12, "ECE " + s.expectedCalibrationError());
    assertTrue(s.brierScore() < 0.08, "Brier " + s.brierScore());
    assertTrue(s.bestEpoch() >= 1 && s.bestEpoch() <= s.epochs());
    assertTrue(s.threshold() > 0 && s.threshold() < 1);
    assertTrue(s.calibration().slope() > 0, "calibration keeps the order of scores");
  }

  @Test
  void calibratedProbabilitiesTrackFrequencies() {
    // Among held-out candidates scored above 0.9, at least 90% are positive (and vice versa below 0.1).
    for (Head head : List.of(probe.head(), attention.head())) {
      int high = 0;
      int highPositive = 0;
      int low = 0;
      int lowNegative = 0;
      int[] labels = test.labelArray();
      for (int i = 0; i < labels.length; i++) {
        double p = head.score(test.examples.get(i));
        assertTrue(p >= 0 && p <= 1);
        if (p > 0.9) {
          high++;
          highPositive += labels[i];
        } else if (p < 0.1) {
          low++;
          lowNegative += 1 - labels[i];
        }
      }
      assertTrue(high > 50 && highPositive >= 0.9 * high, head.name() + ": " + highPositive + "/" + high);
      assertTrue(low > 50 && lowNegative >= 0.9 * low, head.name() + ": " + lowNegative + "/" + low);
    }
  }

  @Test
  void pureJavaInferenceEqualsTheDjlTrainingForward() {
    for (Head head : List.of(probe.head(), attention.head())) {
      List<CandidateActivations> sample = test.examples.subList(0, 64); // token counts 3..12: padding is exercised
      double[] djl = HeadTrainer.differentiableLogits(head, sample);
      for (int i = 0; i < sample.size(); i++) {
        assertEquals(djl[i], head.logit(sample.get(i)), 1e-5, head.name() + " candidate " + i);
      }
    }
  }

  @Test
  void parametersRebuildAnIdenticalHead() {
    for (Head head : List.of(probe.head(), attention.head())) {
      Head rebuilt = Head.fromParameters(head.kind(), head.name(), head.layers(), head.hiddenSize(),
          head.parameters(), head.metadata());
      assertEquals(head.kind(), rebuilt.kind());
      assertEquals(head.metadata(), rebuilt.metadata());
      assertEquals(head.parameters(), rebuilt.parameters());
      assertEquals(head.threshold(), rebuilt.threshold());
      for (CandidateActivations a : test.examples.subList(0, 50)) {
        assertEquals(head.score(a), rebuilt.score(a), 0.0);
      }
    }
  }

  @Test
  void progressBarWasDrawn() {
    assertTrue(progressText.contains("voice-probe ["), progressText);
    assertTrue(progressText.contains("voice-attn ["), progressText);
    assertTrue(progressText.contains("epoch 1/60"), progressText);
  }

  @Test
  void sameSeedTrainsTheSameSplitAndInitialWeights() {
    int[] labels = train.labelArray();
    int[][] a = HeadTrainer.stratifiedSplit(labels, 0.25, new java.util.Random(5));
    int[][] b = HeadTrainer.stratifiedSplit(labels, 0.25, new java.util.Random(5));
    assertArrayEquals(a[0], b[0]);
    assertArrayEquals(a[1], b[1]);
    int positives = 0;
    for (int i : a[1]) {
      positives += labels[i];
    }
    assertEquals(50, positives, "the validation split is stratified");
  }

  @Test
  void twoThreadsCanTrainAtOnce() throws Exception {
    TrainingOptions options = TrainingOptions.builder().maxEpochs(8).seed(4).build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<TrainedHead>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        futures.add(pool.submit(() -> new HeadTrainer().train(HeadSpec.linearProbe("p", new int[] {4}, Pooling.MEAN),
            train.examples, train.labelArray(), options)));
      }
      TrainedHead a = futures.get(0).get();
      TrainedHead b = futures.get(1).get();
      assertTrue(a.summary().validationAuc() > 0.9, a.summary().toString());
      assertEquals(a.head().parameters(), b.head().parameters(), "same seed, same head, whichever thread");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void datasetErrorsAreTyped() {
    HeadTrainer trainer = new HeadTrainer();
    HeadSpec spec = HeadSpec.linearProbe("p", new int[] {2}, Pooling.MEAN);
    List<CandidateActivations> four = train.examples.subList(0, 4);
    HeadTrainingException single = assertThrows(HeadTrainingException.class,
        () -> trainer.train(spec, four, new int[] {1, 1, 1, 1}, TrainingOptions.defaults()));
    assertTrue(single.getMessage().contains("single class"), single.getMessage());
    assertThrows(HeadTrainingException.class,
        () -> trainer.train(spec, four, new int[] {1, 0, 1}, TrainingOptions.defaults()));
    HeadTrainingException badLabel = assertThrows(HeadTrainingException.class,
        () -> trainer.train(spec, four, new int[] {1, 0, 2, 0}, TrainingOptions.defaults()));
    assertTrue(badLabel.getMessage().contains("labels[2] = 2"), badLabel.getMessage());
    HeadTrainingException layer = assertThrows(HeadTrainingException.class,
        () -> trainer.train(HeadSpec.linearProbe("p", new int[] {7}, Pooling.MEAN), four, new int[] {1, 0, 1, 0},
            TrainingOptions.defaults()));
    assertTrue(layer.getMessage().contains("lacks layer 7"), layer.getMessage());
    assertThrows(HeadTrainingException.class,
        () -> trainer.train(spec, train.examples.subList(0, 3), new int[] {1, 0, 0}, TrainingOptions.defaults()));
  }

  @Test
  void malformedParametersNameTheTensor() {
    Head head = probe.head();
    Map<String, Tensor> p = new LinkedHashMap<>(head.parameters());
    p.put("weight", Tensor.vector(1f, 2f));
    HeadException e = assertThrows(HeadException.class,
        () -> Head.fromParameters(head.kind(), head.name(), head.layers(), head.hiddenSize(), p, head.metadata()));
    assertTrue(e.getMessage().contains("'weight'") && e.getMessage().contains("[2]"), e.getMessage());

    Map<String, Tensor> q = new LinkedHashMap<>(attention.head().parameters());
    q.remove("attn.key.weight");
    HeadException missing = assertThrows(HeadException.class, () -> Head.fromParameters(
        HeadKind.ATTENTION_HEAD, "a", attention.head().layers(), 32, q, attention.head().metadata()));
    assertTrue(missing.getMessage().contains("'attn.key.weight' is missing"), missing.getMessage());

    Map<String, String> meta = new LinkedHashMap<>(head.metadata());
    meta.put("pooling", "MEDIAN");
    HeadException pooling = assertThrows(HeadException.class,
        () -> Head.fromParameters(head.kind(), head.name(), head.layers(), head.hiddenSize(), head.parameters(), meta));
    assertTrue(pooling.getMessage().contains("MEDIAN"), pooling.getMessage());
    assertThrows(HeadException.class, () -> new Tensor(new long[] {2, 2}, new float[3]));
  }

  @Test
  void mismatchedActivationsAreRejected() {
    CandidateActivations other = new CandidateActivations(new int[] {2}, new float[][][] {{new float[32]}});
    HeadException e = assertThrows(HeadException.class, () -> probe.head().score(other));
    assertTrue(e.getMessage().contains("reads layer 4"), e.getMessage());
    assertThrows(HeadException.class,
        () -> attention.head().score(new CandidateActivations(new int[] {2, 4}, new float[][][] {{new float[8]}, {new float[8]}})));
    assertThrows(HeadException.class, () -> new CandidateActivations(new int[] {1, 1}, new float[2][1][4]));
    assertThrows(HeadException.class, () -> new CandidateActivations(new int[] {1}, new float[1][0][4]));
  }

  private double heldOutAccuracy(Head head) {
    int[] labels = test.labelArray();
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      if ((head.score(test.examples.get(i)) >= head.threshold() ? 1 : 0) == labels[i]) {
        right++;
      }
    }
    return right / (double) labels.length;
  }

  private double heldOutBrier(Head head) {
    int[] labels = test.labelArray();
    double[] p = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      p[i] = head.score(test.examples.get(i));
    }
    return Metrics.brier(p, labels);
  }
}
