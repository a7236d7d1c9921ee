package dev.persona4j.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Hugging Face model directory: {@code config.json}, weights in {@code model.safetensors} or
 * shards listed by {@code model.safetensors.index.json}, optional {@code generation_config.json}
 * (tokenizer files are read by the tokenizers module). Opening validates the config and every
 * shard's header; tensors are then read by name across shards. Immutable and thread-safe.
 */
public final class Checkpoint {
  public static final String CONFIG = "config.json";
  public static final String GENERATION_CONFIG = "generation_config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String WEIGHTS_INDEX = "model.safetensors.index.json";

  private final Path directory;
  private final ModelConfig config;
  private final GenerationConfig generationConfig;
  private final Map<String, SafetensorsReader> tensorToShard;

  private Checkpoint(
      Path directory,
      ModelConfig config,
      GenerationConfig generationConfig,
      Map<String, SafetensorsReader> tensorToShard) {
    this.directory = directory;
    this.config = config;
    this.generationConfig = generationConfig;
    this.tensorToShard = tensorToShard;
  }

  /**
   * Opens a model directory.
   *
   * @throws CheckpointException naming the file and field/tensor at fault
   */
  public static Checkpoint open(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new CheckpointException(directory, null, "not a model directory (does not exist or is not a directory)");
    }
    ModelConfig config = ModelConfig.load(directory.resolve(CONFIG));
    GenerationConfig gen = GenerationConfig.load(directory.resolve(GENERATION_CONFIG), config);
    return new Checkpoint(directory, config, gen, openWeights(directory));
  }

  private static Map<String, SafetensorsReader> openWeights(Path dir) {
    Path single = dir.resolve(WEIGHTS);
    Path index = dir.resolve(WEIGHTS_INDEX);
    Map<String, SafetensorsReader> map = new TreeMap<>();
    if (Files.exists(single)) {
      SafetensorsReader r = SafetensorsReader.open(single);
      r.names().forEach(n -> map.put(n, r));
      return Collections.unmodifiableMap(map);
    }
    if (!Files.exists(index)) {
      String hint = Files.exists(dir.resolve("pytorch_model.bin")) ? " (pytorch_model.bin is not supported: convert it to safetensors)" : "";
      throw new CheckpointException(dir, WEIGHTS, "missing: neither " + WEIGHTS + " nor " + WEIGHTS_INDEX + " exists" + hint);
    }
    JsonNode weightMap = JsonFile.object(index, new String(JsonFile.bytes(index), StandardCharsets.UTF_8)).path("weight_map");
    if (weightMap.isMissingNode() || weightMap.isNull()) {
      throw new CheckpointException(index, "weight_map", "missing (required)");
    }
    if (!weightMap.isObject()) {
      throw new CheckpointException(index, "weight_map", "must be an object of tensor name to shard file");
    }
    Map<String, SafetensorsReader> shards = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
      String tensor = e.getKey();
      if (!e.getValue().isTextual()) {
        throw new CheckpointException(index, "weight_map." + tensor, "must be a shard file name, got " + e.getValue());
      }
      String shardName = e.getValue().asText();
      Path shard = dir.resolve(shardName).normalize();
      if (!shard.startsWith(dir.normalize()) || shardName.contains("/") || shardName.contains("\\")) {
        throw new CheckpointException(index, "weight_map." + tensor, "shard must be a file in the model directory, got " + shardName);
      }
      SafetensorsReader r = shards.computeIfAbsent(shardName, n -> SafetensorsReader.open(shard));
      if (!r.contains(tensor)) {
        throw new CheckpointException(shard, tensor, "tensor not found (listed in " + WEIGHTS_INDEX + ")");
      }
      map.put(tensor, r);
    }
    return Collections.unmodifiableMap(map);
  }

  /** The model directory. */
  public Path directory() {
    return directory;
  }

  public ModelConfig config() {
    return config;
  }

  public GenerationConfig generationConfig() {
    return generationConfig;
  }

  /** Names of all tensors across shards, sorted. */
  public Set<String> tensorNames() {
    return tensorToShard.keySet();
  }

  public boolean contains(String tensor) {
    return tensorToShard.containsKey(tensor);
  }

  /** @throws CheckpointException if the tensor is missing */
  TensorInfo info(String tensor) {
    return reader(tensor).info(tensor);
  }

  /** The file holding {@code tensor}. */
  public Path fileOf(String tensor) {
    return reader(tensor).file();
  }

  /**
   * The tensor as float32, checking its shape.
   *
   * @see SafetensorsReader#floatBytes(String)
   * @throws CheckpointException naming the file and tensor if it is missing, not floating point, or
   *     not of shape {@code expectedShape}
   */
  public ByteBuffer floatBytes(String tensor, long... expectedShape) {
    requireShape(tensor, expectedShape);
    return reader(tensor).floatBytes(tensor);
  }

  /**
   * Reads {@code dst.remaining() / 4} float32 values of the tensor from element {@code first} on
   * into {@code dst}, checking its shape.
   *
   * @see SafetensorsReader#readFloats(String, long, ByteBuffer)
   */
  public void readFloats(String tensor, long first, ByteBuffer dst, long... expectedShape) {
    requireShape(tensor, expectedShape);
    reader(tensor).readFloats(tensor, first, dst);
  }

  /** The tensor as a float array, checking its shape. */
  public float[] floats(String tensor, long... expectedShape) {
    requireShape(tensor, expectedShape);
    return reader(tensor).floats(tensor);
  }

  /**
   * Checks a tensor's shape from the header alone (nothing is read).
   *
   * @throws CheckpointException naming the file and tensor if missing or of another shape
   */
  public void checkShape(String tensor, long... expectedShape) {
    requireShape(tensor, expectedShape);
  }

  private TensorInfo requireShape(String tensor, long... expectedShape) {
    TensorInfo t = info(tensor);
    if (!t.hasShape(expectedShape)) {
      throw new CheckpointException(
          fileOf(tensor),
          tensor,
          "shape " + Arrays.toString(t.shape()) + " does not match the config, expected " + Arrays.toString(expectedShape));
    }
    return t;
  }

  private SafetensorsReader reader(String tensor) {
    SafetensorsReader r = tensorToShard.get(tensor);
    if (r == null) {
      Path where = Files.exists(directory.resolve(WEIGHTS)) ? directory.resolve(WEIGHTS) : directory.resolve(WEIGHTS_INDEX);
      throw new CheckpointException(where, tensor, "tensor not found (required by " + config.modelType() + ")");
    }
    return r;
  }
}
