/**
 * Training classifier heads: {@link dev.persona4j.training.heads.LabeledDataset} reads labelled JSONL,
 * {@link dev.persona4j.training.heads.ActivationCollector} runs a loaded model over it and returns
 * the activations a head reads (for a reply, exactly those the generator captures while decoding it),
 * {@link dev.persona4j.training.heads.HeadTrainer} trains a linear probe or attention head on them
 * with DJL autograd (collecting them first when given the model and dataset) and fits persona vectors,
 * and {@link dev.persona4j.training.heads.LayerSweep} finds the layer that knows the persona best. The heads
 * they return score in pure Java ({@code dev.persona4j.core.heads}).
 */
package dev.persona4j.training.heads;
