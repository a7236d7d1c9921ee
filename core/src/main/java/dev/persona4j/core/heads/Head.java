package dev.persona4j.core.heads;

import java.util.Map;

/**
 * A classifier over a candidate's activations that says how likely it is to be in character (or
 * whatever it was trained on). Scoring is pure Java, thread-safe, and cheap next to generation. The
 * kinds are {@link LinearProbe}, {@link AttentionHead} and {@link PersonaVector}; {@link
 * Heads#fromParameters} rebuilds any of them from what {@link #parameters()} and {@link #metadata()}
 * return, and {@link HeadFiles} stores them bound to their model.
 */
public sealed interface Head permits HeadBase {
  String name();

  /** The hidden-state indices the head reads, in the order their activations are concatenated. */
  int[] layers();

  /** The model's hidden size the head was trained for. */
  int hiddenSize();

  /** The raw, uncalibrated score (a logit or projection). */
  double logit(CandidateActivations activations);

  /** Calibrated probability in [0, 1] that the candidate belongs to the positive class. */
  double score(CandidateActivations activations);

  /** The Platt scaling that turns {@link #logit} into {@link #score}. */
  Calibration calibration();

  /** The probability above which the trainer found the candidate most likely positive (default 0.5). */
  double threshold();

  HeadKind kind();

  /** Every learned tensor by name: enough, with {@link #metadata()}, for {@link Heads#fromParameters}. */
  Map<String, Tensor> parameters();

  /** Settings and provenance as text (pooling, sizes, threshold, training figures). */
  Map<String, String> metadata();
}
