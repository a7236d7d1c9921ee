package dev.persona4j.core.backend;

import java.util.Arrays;

/**
 * What a forward pass must return besides each sequence's last-position logits.
 *
 * @param allLogits whether to return logits for every position computed, not only the last
 * @param taps hidden-state indices to return, with transformers' {@code output_hidden_states}
 *     semantics: {@code k < layers} is the residual stream entering layer {@code k} ({@code 0} is
 *     the embedding output), {@code layers} is the final norm's output
 */
public record ForwardRequest(boolean allLogits, int[] taps) {
  private static final ForwardRequest LAST_LOGITS = new ForwardRequest(false, new int[0]);

  public ForwardRequest {
    taps = taps.clone();
  }

  /** Only the last position's logits of each sequence: what sampling needs. */
  public static ForwardRequest lastLogits() {
    return LAST_LOGITS;
  }

  /** Logits for every position computed, plus these hidden states. */
  public static ForwardRequest allPositions(int... taps) {
    return new ForwardRequest(true, taps);
  }

  /** Last logits plus these hidden states. */
  public static ForwardRequest withTaps(int... taps) {
    return new ForwardRequest(false, taps);
  }

  @Override
  public int[] taps() {
    return taps.clone();
  }

  /** Whether {@code tap} is requested. */
  public boolean wantsTap(int tap) {
    for (int t : taps) {
      if (t == tap) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ForwardRequest r && r.allLogits == allLogits && Arrays.equals(r.taps, taps);
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(allLogits) * 31 + Arrays.hashCode(taps);
  }

  @Override
  public String toString() {
    return "ForwardRequest[allLogits=" + allLogits + ", taps=" + Arrays.toString(taps) + "]";
  }
}
