/**
 * Classifier heads on a loaded model: {@link dev.persona4j.core.heads.LabeledDataset} reads labelled
 * JSONL, {@link dev.persona4j.core.heads.ActivationCollector} runs the model over it and returns the
 * activations a head reads (for a reply, exactly those the generator captures while decoding it),
 * {@link dev.persona4j.core.heads.HeadTraining} and {@link dev.persona4j.core.heads.LayerSweeps} train
 * on them, and {@link dev.persona4j.core.heads.HeadFiles} stores a head bound to its model and
 * refuses to load it onto another.
 */
package dev.persona4j.core.heads;
