package dev.persona4j.core.heads;

import java.util.Map;

/**
 * A classifier over a candidate's activations that says how likely it is to be in character (or
 * whatever it was trained on). Scoring is pure Java, thread-safe, and cheap next to generation. The
 * kinds are {@link LinearProbe}, {@link AttentionHead} and {@link PersonaVector}; {@link
 * #fromParameters} rebuilds any of them from what {@link #parameters()} and {@link #metadata()}
 * return, and {@link HeadFiles} stores them bound to their model.
 */
public sealed interface Head permits HeadBase {
  /** Every kind's decision threshold on calibrated probabilities (default 0.5). */
  String META_THRESHOLD = "threshold";
  /** A {@link Pooling} name: linear probes and persona vectors. */
  String META_POOLING = "pooling";
  /** Attention heads: number of heads. */
  String META_HEADS = "heads";
  /** Attention heads: width of each head. */
  String META_HEAD_DIM = "head_dim";
  /** Attention heads: units of the MLP block. */
  String META_MLP_HIDDEN = "mlp_hidden";
  /** Persona vectors: whether the direction has unit length. */
  String META_NORMALISED = "normalised";
  /** Every kind's tensor of two values: Platt slope and intercept. */
  String CALIBRATION = "calibration";

  /**
   * Rebuilds a head from what {@link #parameters()} and {@link #metadata()} returned: the one way to
   * construct any head, used when loading a head file and by trainers when they finish. The {@code
   * META_*} keys are the structural ones each kind reads; every other metadata key is provenance,
   * kept as is.
   *
   * @throws HeadException naming the tensor or key that is missing, misshapen or invalid
   */
  static Head fromParameters(HeadKind kind, String name, int[] layers, int hiddenSize, Map<String, Tensor> parameters,
      Map<String, String> metadata) {
    return Heads.fromParameters(kind, name, layers, hiddenSize, parameters, metadata);
  }

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

  /** Every learned tensor by name: enough, with {@link #metadata()}, for {@link #fromParameters}. */
  Map<String, Tensor> parameters();

  /** Settings and provenance as text (pooling, sizes, threshold, training figures). */
  Map<String, String> metadata();
}
