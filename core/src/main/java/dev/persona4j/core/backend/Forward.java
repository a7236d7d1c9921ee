package dev.persona4j.core.backend;

/**
 * The result of one forward pass over several sequences, copied out of the engine (plain Java
 * arrays; nothing to close). Index {@code i} is the i-th prompt of a prefill or the i-th listed
 * sequence of a step.
 */
public interface Forward {
  /** Number of sequences computed. */
  int size();

  /** The sequence id of entry {@code i}. */
  int sequence(int i);

  /** Logits at the last position computed for entry {@code i}, [vocab]. */
  float[] lastLogits(int i);

  /**
   * Logits at every position computed in this pass for entry {@code i}, [positions][vocab].
   *
   * @throws IllegalStateException if the request did not ask for all logits
   */
  float[][] logits(int i);

  /**
   * Hidden state {@code tap} at every position computed in this pass for entry {@code i},
   * [positions][hidden].
   *
   * @throws IllegalArgumentException if the request did not ask for this tap
   */
  float[][] hidden(int i, int tap);
}
