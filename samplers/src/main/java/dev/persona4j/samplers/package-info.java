/**
 * Numbers in, choices out: logits processors with transformers' semantics, a seeded
 * {@link dev.persona4j.samplers.TokenSampler} running them in llama.cpp's default order, and
 * {@link dev.persona4j.samplers.StopConditions} with a {@link dev.persona4j.samplers.StopMatcher}
 * that finds stop strings across token boundaries.
 */
package dev.persona4j.samplers;
