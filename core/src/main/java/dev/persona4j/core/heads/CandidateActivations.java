package dev.persona4j.core.heads;

import java.util.Arrays;
import java.util.Objects;

/**
 * The activations of one candidate continuation: for each tapped layer (a hidden-state index with
 * transformers' {@code output_hidden_states} semantics), a {@code [tokens][hidden]} matrix over the
 * candidate's tokens. Every layer has the same token count and hidden size.
 */
public final class CandidateActivations {
  private final int[] layers;
  private final float[][][] values;
  private final int tokens;
  private final int hidden;

  /** Validates and deep-copies {@code values} ({@code [layer][token][hidden]}, in {@code layers} order). */
  public CandidateActivations(int[] layers, float[][][] values) {
    this(layers, deepCopy(values), true);
  }

  private CandidateActivations(int[] layers, float[][][] values, boolean validate) {
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(values, "values");
    if (layers.length == 0) {
      throw new HeadException("activations need at least one layer");
    }
    if (layers.length != values.length) {
      throw new HeadException("activations list " + layers.length + " layers " + Arrays.toString(layers)
          + " but hold values for " + values.length);
    }
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] < 0) {
        throw new HeadException("layer index " + layers[i] + " is negative");
      }
      for (int j = 0; j < i; j++) {
        if (layers[j] == layers[i]) {
          throw new HeadException("layer " + layers[i] + " is listed twice in " + Arrays.toString(layers));
        }
      }
    }
    int t = values[0] == null ? 0 : values[0].length;
    if (t == 0) {
      throw new HeadException("activations of layer " + layers[0] + " have no tokens");
    }
    int h = values[0][0] == null ? 0 : values[0][0].length;
    if (h == 0) {
      throw new HeadException("activations of layer " + layers[0] + " have hidden size 0");
    }
    for (int l = 0; l < values.length; l++) {
      if (values[l] == null || values[l].length != t) {
        throw new HeadException("layer " + layers[l] + " has " + (values[l] == null ? 0 : values[l].length)
            + " tokens, layer " + layers[0] + " has " + t);
      }
      for (int k = 0; k < t; k++) {
        if (values[l][k] == null || values[l][k].length != h) {
          throw new HeadException("layer " + layers[l] + " token " + k + " has hidden size "
              + (values[l][k] == null ? 0 : values[l][k].length) + ", expected " + h);
        }
      }
    }
    this.layers = layers.clone();
    this.values = values;
    this.tokens = t;
    this.hidden = h;
  }

  /**
   * Takes {@code values} without copying: for the generator's hot path, which hands over arrays it
   * never touches again.
   */
  public static CandidateActivations wrap(int[] layers, float[][][] values) {
    return new CandidateActivations(layers, values, true);
  }

  /** The tapped hidden-state indices, in the order of {@link #layer(int)} storage. */
  public int[] layers() {
    return layers.clone();
  }

  /** Whether the given hidden-state index was tapped. */
  public boolean hasLayer(int hiddenStateIndex) {
    for (int l : layers) {
      if (l == hiddenStateIndex) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code [tokens][hidden]} activations of one tapped layer. The array is shared, not copied:
   * treat it as read-only.
   *
   * @throws HeadException when that layer was not tapped
   */
  public float[][] layer(int hiddenStateIndex) {
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] == hiddenStateIndex) {
        return values[i];
      }
    }
    throw new HeadException("layer " + hiddenStateIndex + " was not tapped; these activations hold layers "
        + Arrays.toString(layers));
  }

  /**
   * The given layers' activations, each pooled over the tokens and concatenated in {@code layers}
   * order: {@code layers.length * hiddenSize()} values, what a linear probe or persona vector reads.
   *
   * @throws HeadException when one of the layers was not tapped
   */
  public float[] pooled(int[] layers, Pooling pooling) {
    float[] x = new float[layers.length * hidden];
    for (int l = 0; l < layers.length; l++) {
      pooling.pool(layer(layers[l]), x, l * hidden);
    }
    return x;
  }

  /** Number of the candidate's tokens, the same at every layer. */
  public int tokens() {
    return tokens;
  }

  /** Width of every token's activation. */
  public int hiddenSize() {
    return hidden;
  }

  @Override
  public String toString() {
    return "CandidateActivations{layers=" + Arrays.toString(layers) + ", tokens=" + tokens + ", hidden=" + hidden + "}";
  }

  private static float[][][] deepCopy(float[][][] v) {
    Objects.requireNonNull(v, "values");
    float[][][] c = new float[v.length][][];
    for (int l = 0; l < v.length; l++) {
      if (v[l] == null) {
        continue;
      }
      c[l] = new float[v[l].length][];
      for (int t = 0; t < v[l].length; t++) {
        c[l][t] = v[l][t] == null ? null : v[l][t].clone();
      }
    }
    return c;
  }
}
