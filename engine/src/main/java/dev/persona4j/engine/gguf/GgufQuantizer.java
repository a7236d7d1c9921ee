package dev.persona4j.engine.gguf;

import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Converts a Hugging Face model directory into a GGUF file llama.cpp reads: its tensor names, its metadata
 * keys ({@code general.*}, {@code <arch>.*}, {@code tokenizer.ggml.*}), the Q/K row permutation of the llama
 * architecture, and every matrix quantized to the {@link GgufFileType}'s types. Q8_0 and Q4_0 come out
 * bit-identical to llama.cpp's reference quantizers. One tensor is held in memory at a time.
 */
public final class GgufQuantizer {
  /** Told after each tensor is written. */
  @FunctionalInterface
  public interface Progress {
    /** Tensor {@code done} of {@code total} ({@code name}, llama.cpp's) was written as {@code type}. */
    void tensorWritten(String name, GgufType type, int done, int total);
  }

  private GgufQuantizer() {}

  /**
   * Writes {@code modelDir}'s checkpoint as {@code out}.
   *
   * @throws dev.persona4j.core.checkpoint.CheckpointException naming the file and field or tensor when the
   *     checkpoint cannot be read or holds a tensor, architecture or tokenizer GGUF cannot carry
   */
  public static void quantize(Path modelDir, GgufFileType type, Path out, Progress progress) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(progress, "progress");
    Checkpoint checkpoint = Checkpoint.open(modelDir);
    ModelConfig config = checkpoint.config();
    String arch = GgufConfig.ARCHITECTURES.get(config.modelType());
    Path configFile = modelDir.resolve(Checkpoint.CONFIG);
    if (arch == null) {
      throw new GgufException(configFile, "model_type", "model_type " + config.modelType()
          + " cannot be written as GGUF (supported: " + new TreeSet<>(GgufConfig.ARCHITECTURES.keySet()) + ")");
    }
    GgufWriter w = new GgufWriter();
    w.putString("general.architecture", arch);
    w.putString("general.type", "model");
    w.putString("general.name", modelDir.toAbsolutePath().normalize().getFileName().toString());
    try {
      GgufConfig.write(w, config, arch);
    } catch (IllegalArgumentException e) {
      throw new GgufException(configFile, "rope_scaling", e.getMessage(), e);
    }
    w.putUint32("general.file_type", type.id());
    w.putUint32("general.quantization_version", 2);
    GgufTokenizer.write(w, modelDir, config);

    Map<Path, SafetensorsReader> readers = new HashMap<>();
    List<String[]> names = new ArrayList<>();
    for (String hf : new TreeSet<>(checkpoint.tensorNames())) {
      if (hf.endsWith("rotary_emb.inv_freq")) {
        continue; // a buffer recomputed from the config
      }
      String gguf = TensorNames.toGguf(hf).orElseThrow(() -> new GgufException(checkpoint.fileOf(hf), hf,
          "tensor has no llama.cpp name (not a " + config.modelType() + " tensor GGUF carries)"));
      names.add(new String[] {hf, gguf});
    }
    int[] done = {0};
    for (String[] name : names) {
      String hf = name[0];
      String gguf = name[1];
      SafetensorsReader reader = readers.computeIfAbsent(checkpoint.fileOf(hf), SafetensorsReader::open);
      long[] shape = reader.shape(hf);
      long[] dims = new long[shape.length];
      for (int i = 0; i < shape.length; i++) {
        dims[i] = shape[shape.length - 1 - i];
      }
      GgufType t = type.typeOf(gguf, dims, config.layers(), config.tieWordEmbeddings());
      w.tensor(gguf, t, dims, () -> {
        float[] values = reader.floats(hf);
        if (TensorNames.permuted(arch, gguf)) {
          values = permute(values, dims, TensorNames.isKey(gguf) ? config.kvHeads() : config.heads());
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) t.bytes(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        t.quantize(values, 0, values.length, bytes, 0);
        progress.tensorWritten(gguf, t, ++done[0], names.size());
        return bytes;
      });
    }
    w.write(out);
  }

  /** Hugging Face row order → llama.cpp's rope order, per head. */
  private static float[] permute(float[] values, long[] dims, int heads) {
    int rowLength = dims.length == 1 ? 1 : (int) dims[0]; // a bias: each value is a row
    int rows = values.length / rowLength;
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(values, TensorNames.hfRow(r, rows, heads) * rowLength, out, r * rowLength, rowLength);
    }
    return out;
  }
}
