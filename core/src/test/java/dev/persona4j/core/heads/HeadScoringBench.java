package dev.persona4j.core.heads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scoring must cost under 1% of generation. At a SmolLM2-135M shape (hidden 576) a candidate of 64
 * tokens takes about 64 x 40 ms to generate on this machine, so 1% is about 25 ms per candidate. A
 * benchmark program, not a test (a timed assertion fails on a loaded machine, not on slow code): run
 * {@link #main} on core's test class path. drift-eval reports the same share measured on real replies
 * ("head scoring x% of best-of-8 reply time").
 */
public final class HeadScoringBench {
  private static final int HIDDEN = 576;
  private static final int TOKENS = 64;
  private static final int[] LAYERS = {10, 20};
  private static final double BUDGET_MICROS = 0.01 * TOKENS * 40_000;

  private HeadScoringBench() {}

  /** Prints each head kind's scoring time per candidate against the 1% budget. */
  public static void main(String[] args) {
    Random r = new Random(1);
    List<CandidateActivations> candidates = new java.util.ArrayList<>();
    for (int c = 0; c < 8; c++) {
      float[][][] v = new float[LAYERS.length][TOKENS][HIDDEN];
      for (float[][] layer : v) {
        for (float[] token : layer) {
          for (int i = 0; i < HIDDEN; i++) {
            token[i] = (float) r.nextGaussian();
          }
        }
      }
      candidates.add(CandidateActivations.wrap(LAYERS, v));
    }
    int d = LAYERS.length * HIDDEN;
    Map<String, Tensor> attention = new LinkedHashMap<>();
    AttentionHead.shapes(d, 4, 16, 32).forEach((name, shape) -> {
      int n = 1;
      for (long s : shape) {
        n *= (int) s;
      }
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = (float) (r.nextGaussian() * 0.05 + (name.equals("ln.gamma") ? 1 : 0));
      }
      attention.put(name, new Tensor(shape, values));
    });
    attention.put("calibration", Tensor.vector(1f, 0f));
    Head attentionHead = Heads.fromParameters(HeadKind.ATTENTION_HEAD, "attn", LAYERS, HIDDEN, attention,
        Map.of("heads", "4", "head_dim", "16", "mlp_hidden", "32"));

    Map<String, Tensor> probe = new LinkedHashMap<>();
    probe.put("mean", Tensor.vector(new float[d]));
    float[] ones = new float[d];
    java.util.Arrays.fill(ones, 1f);
    probe.put("std", Tensor.vector(ones));
    float[] w = new float[d];
    for (int i = 0; i < d; i++) {
      w[i] = (float) r.nextGaussian() * 0.01f;
    }
    probe.put("weight", Tensor.vector(w));
    probe.put("bias", Tensor.vector(0f));
    probe.put("calibration", Tensor.vector(1f, 0f));
    Head probeHead = Heads.fromParameters(HeadKind.LINEAR_PROBE, "probe", LAYERS, HIDDEN, probe, Map.of("pooling", "MEAN"));

    Head vector = Heads.fromParameters(HeadKind.PERSONA_VECTOR, "vec", new int[] {20}, HIDDEN,
        Map.of("direction", Tensor.vector(java.util.Arrays.copyOf(w, HIDDEN)), "calibration", Tensor.vector(1f, 0f)),
        Map.of("pooling", "MEAN", "normalised", "false"));
    if (!(vector instanceof PersonaVector)) {
      throw new IllegalStateException("a persona-vector head loaded as " + vector.getClass());
    }

    for (Head head : List.of(attentionHead, probeHead, vector)) {
      double micros = microsPerCandidate(head, candidates);
      System.out.printf("%s (%s): %.1f us per candidate of %d tokens, %d layers x %d hidden: %.1f%% of the budget of %.0f us%n",
          head.name(), head.kind(), micros, TOKENS, LAYERS.length, HIDDEN, 100 * micros / BUDGET_MICROS, BUDGET_MICROS);
    }
  }

  private static double microsPerCandidate(Head head, List<CandidateActivations> candidates) {
    double sink = 0;
    for (int i = 0; i < 300; i++) {
      sink += head.score(candidates.get(i % candidates.size()));
    }
    int n = 400;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += head.score(candidates.get(i % candidates.size()));
    }
    double micros = (System.nanoTime() - t0) / 1e3 / n;
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("a head scored NaN"); // also keeps the scores from being optimised away
    }
    return micros;
  }
}
