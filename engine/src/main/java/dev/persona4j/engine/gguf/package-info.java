/**
 * GGUF files, llama.cpp's model format: {@link dev.persona4j.engine.gguf.GgufFile} reads and validates one
 * (header, metadata, tensor infos, the model config and the tokenizer from metadata, tensor data with
 * llama.cpp's Q/K row permutation undone); {@link dev.persona4j.engine.gguf.GgufType} holds the block codecs
 * of the tensor types (F32, F16, BF16, Q8_0, Q5_0, Q4_0, Q4_K, Q6_K); {@link dev.persona4j.engine.gguf.GgufWriter}
 * writes GGUF v3 and {@link dev.persona4j.engine.gguf.GgufQuantizer} converts a Hugging Face checkpoint into
 * one of the {@link dev.persona4j.engine.gguf.GgufFileType}s. Every failure on a file is a {@link
 * dev.persona4j.engine.gguf.GgufException} naming the file and the key or tensor.
 */
package dev.persona4j.engine.gguf;
