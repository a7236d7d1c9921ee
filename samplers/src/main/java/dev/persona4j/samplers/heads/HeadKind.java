package dev.persona4j.samplers.heads;

/** The kinds of classifier head persona4j can train, store and rebuild. */
public enum HeadKind {
  /** Logistic regression over pooled, standardised activations: {@link LinearProbe}. */
  LINEAR_PROBE,
  /** Last-token attention over all tokens, then an MLP: {@link AttentionHead}. */
  ATTENTION_HEAD,
  /** Projection onto a difference-of-means direction: {@code dev.persona4j.samplers.vectors.PersonaVector}. */
  PERSONA_VECTOR
}
