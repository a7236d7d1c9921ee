package dev.persona4j.engine;

/**
 * Where a model's tensors come from, by their Hugging Face names: a safetensors checkpoint ({@link
 * SafetensorsWeights}) or, later, a GGUF file mapped to the same names. Every method checks the
 * shape and throws a {@link dev.persona4j.core.checkpoint.CheckpointException} naming the file and
 * tensor at fault.
 */
interface WeightSource {
  /** A matrix stored [rows, cols], in its stored type. */
  WeightMatrix matrix(String name, int rows, int cols);

  /** A matrix stored [in, out] (GPT-2's Conv1D), as [out, in], in its stored type. */
  WeightMatrix transposed(String name, int in, int out);

  /** A vector [n] (a bias or a norm weight) as float32. */
  float[] vector(String name, int n);
}
