/**
 * Classifier heads over a candidate's activations: {@link dev.persona4j.samplers.heads.LinearProbe}
 * and {@link dev.persona4j.samplers.heads.AttentionHead}, scored in pure Java and trained with DJL
 * autograd by {@link dev.persona4j.samplers.heads.HeadTrainer}; a
 * {@link dev.persona4j.samplers.heads.LayerSweep} to find the layer that knows the persona best.
 */
package dev.persona4j.samplers.heads;
