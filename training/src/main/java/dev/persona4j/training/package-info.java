/**
 * Training on DJL autograd, kept out of the inference modules: a differentiable full-sequence
 * transformer forward over the engine-neutral architecture descriptions (with random
 * initialisation and saving as a Hugging Face checkpoint), used by the demo trainer.
 */
package dev.persona4j.training;
