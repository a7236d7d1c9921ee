package dev.persona4j.engine;

import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A GGUF file's tensors under their Hugging Face names ({@link GgufFile#hfName}: phi3's fused qkv and
 * gate/up included), read into arrays the engine owns in their stored type: F32, F16 and BF16 as the
 * float kinds, Q8_0, Q5_0, Q4_0, Q4_K and Q6_K as {@link QuantizedMatrix}; llama's Q/K row permutation undone
 * ({@link GgufFile#rowData}). Norms and biases come as float32. A missing {@code output.weight} means tied
 * embeddings, which the config already says; a quantized token embedding is looked up row by row.
 */
final class GgufWeights implements WeightSource {
  private final GgufFile gguf;
  private final Map<String, GgufTensor> byHfName = new HashMap<>();

  GgufWeights(GgufFile gguf) {
    this.gguf = gguf;
    for (GgufTensor t : gguf.tensors().values()) {
      gguf.hfName(t).ifPresent(name -> byHfName.put(name, t));
    }
  }

  /** The tensor the Hugging Face name stands for, after checking its shape. */
  private GgufTensor tensor(String name, long... shape) {
    GgufTensor t = byHfName.get(name);
    if (t == null) {
      throw new CheckpointException(gguf.file(), name, "tensor missing (the model config needs it)");
    }
    if (!Arrays.equals(t.shape(), shape)) {
      throw new CheckpointException(gguf.file(), t.name(), "shape " + Arrays.toString(t.shape())
          + " (Hugging Face order) does not match the config, expected " + Arrays.toString(shape));
    }
    return t;
  }

  @Override
  public WeightMatrix matrix(String name, int rows, int cols) {
    GgufTensor t = tensor(name, rows, cols);
    ByteBuffer data = gguf.rowData(t).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.multiplyExact(rows, cols);
    try {
      return switch (t.type()) {
        case F32 -> {
          float[] values = new float[n];
          data.asFloatBuffer().get(values);
          yield WeightMatrix.f32(rows, cols, values);
        }
        case F16, BF16 -> {
          short[] bits = new short[n];
          data.asShortBuffer().get(bits);
          yield t.type() == dev.persona4j.engine.gguf.GgufType.F16 ? WeightMatrix.f16(rows, cols, bits) : WeightMatrix.bf16(rows, cols, bits);
        }
        default -> QuantizedMatrix.of(t.type(), rows, cols, data);
      };
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(gguf.file(), t.name(), e.getMessage(), e);
    }
  }

  @Override
  public WeightMatrix transposed(String name, int in, int out) {
    throw new CheckpointException(gguf.file(), name, "GGUF files hold [out, in] matrices only (no Conv1D layout)");
  }

  @Override
  public float[] vector(String name, int n) {
    return gguf.floats(tensor(name, n));
  }
}
