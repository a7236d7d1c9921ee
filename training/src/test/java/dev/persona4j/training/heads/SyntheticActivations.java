package dev.persona4j.training.heads;

import dev.persona4j.core.heads.CandidateActivations;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Labelled activations with a class direction hidden in noise: every token of a candidate gets
 * Gaussian noise plus {@code ±strength} along a fixed unit direction per layer, candidates have 3-12
 * tokens, and the tapped layers differ in scale and offset as real residual streams do.
 */
final class SyntheticActivations {
  static final int[] LAYERS = {0, 2, 4};
  final int hidden;
  final double strength;
  final float[][] directions;
  final float[][] offsets;
  final List<CandidateActivations> examples = new ArrayList<>();
  final List<Integer> labels = new ArrayList<>();

  SyntheticActivations(int hidden, double strength, long directionSeed) {
    this.hidden = hidden;
    this.strength = strength;
    Random r = new Random(directionSeed);
    directions = new float[LAYERS.length][];
    offsets = new float[LAYERS.length][];
    for (int l = 0; l < LAYERS.length; l++) {
      directions[l] = unit(r, hidden);
      offsets[l] = new float[hidden];
      for (int i = 0; i < hidden; i++) {
        offsets[l][i] = (float) (r.nextGaussian() * 3);
      }
    }
  }

  /** Adds {@code n} examples, alternating labels, drawn with {@code seed}. Layer 0 carries no signal. */
  SyntheticActivations draw(int n, long seed) {
    Random r = new Random(seed);
    for (int e = 0; e < n; e++) {
      int label = e % 2;
      int tokens = 3 + r.nextInt(10);
      double sign = label == 1 ? 1 : -1;
      float[][][] v = new float[LAYERS.length][tokens][hidden];
      for (int l = 0; l < LAYERS.length; l++) {
        double scale = l == 1 ? 8 : 1; // layer 2 is eight times larger: layer norm / standardisation must cope
        double signal = l == 0 ? 0 : strength;
        for (int t = 0; t < tokens; t++) {
          for (int i = 0; i < hidden; i++) {
            v[l][t][i] = (float) (scale * (offsets[l][i] + r.nextGaussian() + sign * signal * directions[l][i]));
          }
        }
      }
      examples.add(new CandidateActivations(LAYERS, v));
      labels.add(label);
    }
    return this;
  }

  int[] labelArray() {
    return labels.stream().mapToInt(Integer::intValue).toArray();
  }

  static float[] unit(Random r, int n) {
    float[] u = new float[n];
    double norm = 0;
    for (int i = 0; i < n; i++) {
      u[i] = (float) r.nextGaussian();
      norm += u[i] * u[i];
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < n; i++) {
      u[i] /= norm;
    }
    return u;
  }
}
