/**
 * Classifier heads over a candidate's activations, scored in pure Java: the {@link
 * dev.persona4j.core.heads.Head} abstraction and its kinds ({@link dev.persona4j.core.heads.LinearProbe},
 * {@link dev.persona4j.core.heads.AttentionHead}, {@link dev.persona4j.core.heads.PersonaVector}),
 * {@link dev.persona4j.core.heads.Pooling}, Platt {@link dev.persona4j.core.heads.Calibration}, the
 * {@link dev.persona4j.core.heads.CandidateActivations} they read, and {@link
 * dev.persona4j.core.heads.HeadFiles}, which stores a head bound to its model and refuses to load it
 * onto another. Training them lives in the training module ({@code dev.persona4j.training.heads}).
 */
package dev.persona4j.core.heads;
