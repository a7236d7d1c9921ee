/**
 * Hugging Face model directories: {@link dev.persona4j.core.checkpoint.Checkpoint} (config,
 * generation config, single-file or sharded safetensors weights), {@link
 * dev.persona4j.core.checkpoint.ModelConfig} (both transformers 4 and 5 config layouts and GPT-2's
 * names), {@link dev.persona4j.core.checkpoint.GenerationConfig}, and our own memory-mapped {@link
 * dev.persona4j.core.checkpoint.SafetensorsReader} and {@link
 * dev.persona4j.core.checkpoint.SafetensorsWriter}. Every failure is a {@link
 * dev.persona4j.core.checkpoint.CheckpointException} naming the file and the field or tensor.
 */
package dev.persona4j.core.checkpoint;
