package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadKind;
import dev.persona4j.core.heads.PersonaVector;
import dev.persona4j.core.heads.Pooling;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PersonaVectorTest {
  private static final int HIDDEN = 48;
  private static final int LAYER = 5;
  private final float[] truth = unit(new Random(9), HIDDEN);

  /** In character = +0.8 along the true direction on every token, out of character = -0.8; noise 1. */
  private List<CandidateActivations> draw(int n, boolean inCharacter, long seed) {
    Random r = new Random(seed);
    List<CandidateActivations> out = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      int tokens = 4 + r.nextInt(12);
      float[][][] v = new float[2][tokens][HIDDEN];
      for (int t = 0; t < tokens; t++) {
        for (int i = 0; i < HIDDEN; i++) {
          v[0][t][i] = (float) r.nextGaussian();
          v[1][t][i] = (float) (2 + r.nextGaussian() + (inCharacter ? 0.8 : -0.8) * truth[i]);
        }
      }
      out.add(new CandidateActivations(new int[] {1, LAYER}, v));
    }
    return out;
  }

  @Test
  void projectionSeparatesHeldOutCandidates() {
    PersonaVector vector = HeadTrainer.personaVector("mara", LAYER, draw(150, true, 1), draw(150, false, 2),
        Pooling.MEAN, true);
    List<CandidateActivations> in = draw(200, true, 3);
    List<CandidateActivations> out = draw(200, false, 4);
    double[] p = new double[400];
    double[] proj = new double[400];
    int[] labels = new int[400];
    for (int i = 0; i < 200; i++) {
      p[i] = vector.score(in.get(i));
      proj[i] = vector.project(in.get(i));
      labels[i] = 1;
      p[200 + i] = vector.score(out.get(i));
      proj[200 + i] = vector.project(out.get(i));
    }
    double accuracy = Metrics.accuracy(p, labels, vector.threshold());
    System.out.printf("persona vector held-out accuracy %.4f, AUC %.4f, Brier %.4f%n", accuracy,
        Metrics.rocAuc(proj, labels), Metrics.brier(p, labels));
    assertTrue(accuracy > 0.95, "accuracy " + accuracy);
    assertTrue(Metrics.rocAuc(proj, labels) > 0.98);
    assertTrue(Metrics.brier(p, labels) < 0.06);

    float[] d = vector.direction();
    double norm = 0;
    double cosine = 0;
    for (int i = 0; i < HIDDEN; i++) {
      norm += d[i] * d[i];
      cosine += d[i] * truth[i];
    }
    assertEquals(1.0, Math.sqrt(norm), 1e-5, "normalised to unit length");
    assertTrue(cosine > 0.9, "the mean difference recovers the hidden direction: cosine " + cosine);
    assertEquals(HeadKind.PERSONA_VECTOR, vector.kind());
    assertArrayEquals(new int[] {LAYER}, vector.layers());
  }

  @Test
  void unnormalisedDirectionIsTheMeanDifference() {
    List<CandidateActivations> in = draw(40, true, 5);
    List<CandidateActivations> out = draw(40, false, 6);
    PersonaVector raw = HeadTrainer.personaVector("m", LAYER, in, out, Pooling.LAST, false);
    double[] expected = new double[HIDDEN];
    for (CandidateActivations a : in) {
      float[][] t = a.layer(LAYER);
      for (int i = 0; i < HIDDEN; i++) {
        expected[i] += t[t.length - 1][i] / 40.0;
      }
    }
    for (CandidateActivations a : out) {
      float[][] t = a.layer(LAYER);
      for (int i = 0; i < HIDDEN; i++) {
        expected[i] -= t[t.length - 1][i] / 40.0;
      }
    }
    float[] d = raw.direction();
    for (int i = 0; i < HIDDEN; i++) {
      assertEquals(expected[i], d[i], 1e-5);
    }
    assertTrue(!raw.normalised());
  }

  @Test
  void rebuildsFromParametersAndRejectsBadSets() {
    PersonaVector vector = HeadTrainer.personaVector("mara", LAYER, draw(30, true, 7), draw(30, false, 8),
        Pooling.MEAN, true);
    Head rebuilt = Head.fromParameters(HeadKind.PERSONA_VECTOR, "mara", vector.layers(), HIDDEN, vector.parameters(),
        vector.metadata());
    for (CandidateActivations a : draw(20, true, 9)) {
      assertEquals(vector.score(a), rebuilt.score(a), 0.0);
    }
    assertEquals(vector.metadata(), rebuilt.metadata());
    assertThrows(HeadTrainingException.class,
        () -> HeadTrainer.personaVector("m", LAYER, List.of(), draw(3, false, 1), Pooling.MEAN, true));
    HeadTrainingException e = assertThrows(HeadTrainingException.class,
        () -> HeadTrainer.personaVector("m", 3, draw(3, true, 1), draw(3, false, 1), Pooling.MEAN, true));
    assertTrue(e.getMessage().contains("lacks layer 3"), e.getMessage());
  }

  private static float[] unit(Random r, int n) {
    float[] u = new float[n];
    double s = 0;
    for (int i = 0; i < n; i++) {
      u[i] = (float) r.nextGaussian();
      s += u[i] * u[i];
    }
    for (int i = 0; i < n; i++) {
      u[i] /= Math.sqrt(s);
    }
    return u;
  }
}
