package dev.persona4j.core.heads;

/** How a candidate's per-token activations become one vector per layer. */
public enum Pooling {
  /** The mean over all of the candidate's tokens. */
  MEAN,
  /** The last token's activation (it has attended to every earlier token). */
  LAST;

  /** Pools {@code tokens} ([tokens][hidden]) into {@code out[offset .. offset + hidden)}. */
  public void pool(float[][] tokens, float[] out, int offset) {
    int hidden = tokens[0].length;
    if (this == LAST) {
      System.arraycopy(tokens[tokens.length - 1], 0, out, offset, hidden);
      return;
    }
    double[] sum = new double[hidden];
    for (float[] t : tokens) {
      for (int i = 0; i < hidden; i++) {
        sum[i] += t[i];
      }
    }
    for (int i = 0; i < hidden; i++) {
      out[offset + i] = (float) (sum[i] / tokens.length);
    }
  }
}
