package dev.persona4j.core.backend;

import java.util.List;

/**
 * The key/value cache of a set of sequences being decoded together. Sequences are added by {@link
 * #prefill}, branched by {@link #fork}, extended one token at a time by {@link #step}, and
 * dropped by {@link #release}. Confined to one thread; close it to free its native memory.
 */
public interface DecodingState extends AutoCloseable {
  /**
   * Adds one new sequence per prompt (prompts may differ in length) and computes them in one
   * batch. {@code Forward.sequence(i)} is the id of prompt {@code i}.
   *
   * @throws BackendException if a token id is outside the vocabulary or a prompt is longer than the
   *     context length
   */
  Forward prefill(List<int[]> prompts, ForwardRequest request);

  /** Ids of the live sequences, ascending. */
  int[] sequences();

  /**
   * Adds {@code copies} sequences identical to {@code sequence} (cache and length).
   *
   * @return the new sequence ids
   * @throws BackendException if {@code sequence} is not live
   */
  int[] fork(int sequence, int copies);

  /**
   * Appends {@code tokens[i]} to {@code sequences[i]} for every i and computes them in one batch.
   *
   * @throws BackendException if a sequence is not live (or listed twice), a token id is outside the
   *     vocabulary, or a sequence is already at the context length
   */
  Forward step(int[] sequences, int[] tokens, ForwardRequest request);

  /**
   * Drops sequences, freeing their cache rows for reuse.
   *
   * @throws BackendException if a sequence is not live
   */
  void release(int... sequences);

  /**
   * Number of tokens in the sequence.
   *
   * @throws BackendException if the sequence is not live
   */
  int length(int sequence);

  /**
   * From now on, adds {@code coefficient × direction} to the residual stream entering layer {@code
   * tap} at every position of every sequence (several calls add up). The hidden state reported for
   * {@code tap} is the steered one, what the layer actually reads.
   *
   * @param tap a layer index, 0 ≤ tap &lt; layers
   * @param direction [hidden]
   */
  void steer(int tap, float[] direction, float coefficient);

  /**
   * From now on, clamps from below at {@code threshold} the projection of every computed token's
   * residual stream entering layer {@code tap} on the unit vector along {@code direction}: x ← x +
   * max(0, τ − x·d)·d (after any steering at that layer). Tokens at or above τ are unchanged. A later
   * call for the same tap replaces its cap. The hidden state reported for {@code tap} is the capped one.
   *
   * @param tap a layer index, 0 ≤ tap &lt; layers
   * @param direction [hidden], any non-zero length (it is normalised)
   */
  void cap(int tap, float[] direction, float threshold);

  /** Removes all steering and capping. */
  void clearSteering();

  @Override
  void close();
}
