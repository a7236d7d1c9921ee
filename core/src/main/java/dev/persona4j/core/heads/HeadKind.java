package dev.persona4j.core.heads;

/** The kinds of classifier head persona4j can train, store and rebuild. */
public enum HeadKind {
  /** Logistic regression over pooled, standardised activations: {@link LinearProbe}. */
  LINEAR_PROBE,
  /** Last-token attention over all tokens, then an MLP: {@link AttentionHead}. */
  ATTENTION_HEAD,
  /** Projection onto a difference-of-means direction: {@code dev.persona4j.core.heads.PersonaVector}. */
  PERSONA_VECTOR
}
