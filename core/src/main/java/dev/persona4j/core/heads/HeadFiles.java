package dev.persona4j.core.heads;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.InvalidSettingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Stores heads bound to their model, and loads them back only onto that model.
 *
 * <p>A head named {@code x} is saved as two files in a directory: {@code x.safetensors} holds its
 * parameter tensors and, in the header's {@code __metadata__}, the head's kind, name, layers, hidden
 * size and own metadata ({@code meta.*}), the binding to its model ({@code model.*}: architecture,
 * layer count, hidden size, vocabulary size, SHA-256 of config.json) and the training figures
 * ({@code training.*}); {@code x.json} repeats all of it for people to read. Loading reads only the
 * safetensors file, so the JSON may be deleted or edited without effect.
 */
public final class HeadFiles {
  /** Metadata key marking a persona4j head file, with the layout's version as its value. */
  public static final String FORMAT_KEY = "persona4j.format";
  public static final String FORMAT = "head-v1";
  public static final String WEIGHTS_SUFFIX = ".safetensors";
  public static final String DESCRIPTION_SUFFIX = ".json";

  static final String HEAD_NAME = "head.name";
  static final String HEAD_KIND = "head.kind";
  static final String HEAD_LAYERS = "head.layers";
  static final String HEAD_HIDDEN = "head.hidden_size";
  static final String MODEL_ARCHITECTURE = "model.architecture";
  static final String MODEL_LAYERS = "model.layers";
  static final String MODEL_HIDDEN = "model.hidden_size";
  static final String MODEL_VOCAB = "model.vocab_size";
  static final String MODEL_CONFIG_SHA = "model.config_sha256";
  static final String META_PREFIX = "meta.";
  static final String TRAINING_PREFIX = "training.";

  /** Names become file names: keep them portable and free of path separators. */
  private static final Pattern FILE_SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private HeadFiles() {}

  /** Whether {@code name} can name a head file: letters, digits, '.', '_' and '-', not starting with a symbol. */
  public static boolean isFileSafeName(String name) {
    return name != null && FILE_SAFE_NAME.matcher(name).matches();
  }

  /** Saves a head without training figures; returns its {@code .safetensors} file. */
  public static Path save(Path dir, Head head, ModelInfo model) {
    return save(dir, head, model, Map.of());
  }

  /**
   * Saves {@code head}, bound to {@code model}, as {@code <dir>/<name>.safetensors} (returned) and
   * its {@link #description description} {@code <dir>/<name>.json}, replacing existing files of that
   * name. Each file is written to a temporary sibling and moved into place.
   *
   * @param training how training went, by figure ({@code accuracy}, {@code auc}, {@code epochs}, ...),
   *     in the order to write them; stored as {@code training.<figure>}; empty for none
   * @throws InvalidSettingException if the head's name is not {@link #isFileSafeName file safe} or
   *     its layers do not exist in {@code model}
   * @throws HeadFileException if a file cannot be written
   */
  public static Path save(Path dir, Head head, ModelInfo model, Map<String, ? extends Number> training) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(training, "training");
    String name = head.name();
    if (!isFileSafeName(name)) {
      throw new InvalidSettingException("head name", "'" + name + "'",
          "names a file, so it must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    ModelBinding binding = ModelBinding.of(model);
    checkFitsModel(head, binding);

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT_KEY, FORMAT);
    meta.put(HEAD_NAME, name);
    meta.put(HEAD_KIND, head.kind().name());
    meta.put(HEAD_LAYERS, joinLayers(head.layers()));
    meta.put(HEAD_HIDDEN, Integer.toString(head.hiddenSize()));
    meta.put(MODEL_ARCHITECTURE, binding.architecture());
    meta.put(MODEL_LAYERS, Integer.toString(binding.layers()));
    meta.put(MODEL_HIDDEN, Integer.toString(binding.hiddenSize()));
    meta.put(MODEL_VOCAB, Integer.toString(binding.vocabSize()));
    meta.put(MODEL_CONFIG_SHA, binding.configSha256());
    head.metadata().forEach((k, v) -> meta.put(META_PREFIX + k, v));
    training.forEach((k, v) -> meta.put(TRAINING_PREFIX + k, number(v)));

    Path weights = dir.resolve(name + WEIGHTS_SUFFIX);
    Path description = dir.resolve(name + DESCRIPTION_SUFFIX);
    SafetensorsWriter writer = new SafetensorsWriter();
    meta.forEach(writer::metadata);
    Map<String, Tensor> parameters = head.parameters();
    parameters.forEach((k, t) -> writer.putF32(k, t.shape(), t.data()));
    try {
      writer.write(weights);
    } catch (CheckpointException e) {
      throw new HeadFileException(weights, null, "cannot write: " + e.getMessage(), e);
    }
    writeDescription(description, head, binding, parameters, training);
    return weights;
  }

  /** Loads a head and refuses it unless it was trained on {@code model}. */
  public static Head load(Path file, LanguageModel model) {
    Objects.requireNonNull(model, "model");
    return load(file, model.info());
  }

  /**
   * Loads the head in {@code file} (its {@code .safetensors}, or the {@code .json} beside it) and
   * checks that it was trained on {@code model}.
   *
   * @throws HeadFileException naming the file and tensor or key when the file is missing or corrupt, or
   *     naming every field in which the head's model and {@code model} differ ({@link
   *     HeadFileException#differences})
   */
  public static Head load(Path file, ModelInfo model) {
    Objects.requireNonNull(model, "model");
    StoredHead stored = read(file);
    ModelBinding target = ModelBinding.of(model);
    List<String> differences = stored.binding().differences(target);
    if (!differences.isEmpty()) {
      throw new HeadFileException("head '" + stored.head().name() + "' ("
          + stored.file() + ") was trained on " + stored.binding().describe() + "; this model is "
          + target.describe() + (model.directory() == null ? "" : " (" + model.directory() + ")") + ": "
          + String.join(", ", differences) + " differ" + (differences.size() == 1 ? "s" : ""), stored.file(), differences);
    }
    return stored.head();
  }

  /**
   * Reads a head without checking it against any model: for inspection ({@link #metadata} tells the
   * model it was trained on and the training figures).
   *
   * @throws HeadFileException naming the file and tensor or key when the file is missing or corrupt
   */
  public static Head loadUnbound(Path file) {
    return read(file).head();
  }

  /**
   * A head file's metadata as stored: {@value #FORMAT_KEY}, {@code head.*} (name, kind, layers,
   * hidden size), {@code model.*} (the binding: architecture, layers, hidden size, vocabulary size,
   * config SHA-256), {@code meta.*} (the head's own metadata) and {@code training.*} (the figures
   * saved with it).
   *
   * @throws HeadFileException naming the file when it is missing, corrupt or not a head file
   */
  public static Map<String, String> metadata(Path file) {
    Objects.requireNonNull(file, "file");
    Path weights = weightsFile(file);
    return headMetadata(weights, open(weights));
  }

  /** The human-readable description saved beside {@code weights}: {@code x.json} for {@code x.safetensors}. */
  public static Path description(Path weights) {
    String fileName = weights.getFileName() == null ? "" : weights.getFileName().toString();
    String stem = fileName.endsWith(WEIGHTS_SUFFIX)
        ? fileName.substring(0, fileName.length() - WEIGHTS_SUFFIX.length())
        : fileName;
    return weights.resolveSibling(stem + DESCRIPTION_SUFFIX);
  }

  /** A head read from its file with the model it is bound to and its training figures. */
  private record StoredHead(Head head, ModelBinding binding, Path file) {}

  private static SafetensorsReader open(Path weights) {
    if (!Files.isRegularFile(weights)) {
      throw new HeadFileException(weights, null, Files.exists(weights) ? "not a regular file" : "file not found");
    }
    try {
      return SafetensorsReader.open(weights);
    } catch (CheckpointException e) {
      throw wrap(weights, e);
    }
  }

  private static Map<String, String> headMetadata(Path weights, SafetensorsReader reader) {
    Map<String, String> meta = reader.metadata();
    String format = meta.get(FORMAT_KEY);
    if (format == null) {
      throw new HeadFileException(weights, "__metadata__." + FORMAT_KEY,
          "missing: not a persona4j head file (a safetensors file without a head's metadata)");
    }
    if (!FORMAT.equals(format)) {
      throw new HeadFileException(weights, "__metadata__." + FORMAT_KEY,
          "'" + format + "' is not a head layout this version reads (" + FORMAT + ")");
    }
    return meta;
  }

  private static StoredHead read(Path file) {
    Objects.requireNonNull(file, "file");
    Path weights = weightsFile(file);
    SafetensorsReader reader = open(weights);
    Map<String, String> meta = headMetadata(weights, reader);
    String name = required(weights, meta, HEAD_NAME);
    HeadKind kind = kind(weights, meta);
    int[] layers = layers(weights, meta);
    int hidden = positiveInt(weights, meta, HEAD_HIDDEN);
    ModelBinding binding = new ModelBinding(required(weights, meta, MODEL_ARCHITECTURE),
        positiveInt(weights, meta, MODEL_LAYERS), positiveInt(weights, meta, MODEL_HIDDEN),
        positiveInt(weights, meta, MODEL_VOCAB), required(weights, meta, MODEL_CONFIG_SHA));

    Map<String, Tensor> parameters = new LinkedHashMap<>();
    for (String tensor : reader.names()) {
      try {
        parameters.put(tensor, new Tensor(reader.shape(tensor), reader.floats(tensor)));
      } catch (CheckpointException e) {
        throw wrap(weights, e);
      } catch (HeadException e) {
        throw new HeadFileException(weights, tensor, e.getMessage(), e);
      }
    }
    Map<String, String> headMeta = new LinkedHashMap<>();
    meta.forEach((k, v) -> {
      if (k.startsWith(META_PREFIX)) {
        headMeta.put(k.substring(META_PREFIX.length()), v);
      }
    });
    Head head;
    try {
      head = Heads.fromParameters(kind, name, layers, hidden, parameters, headMeta);
    } catch (HeadException e) {
      throw new HeadFileException(weights, null, e.getMessage(), e);
    }
    try {
      checkFitsModel(head, binding);
    } catch (InvalidSettingException e) {
      throw new HeadFileException(weights, "__metadata__", "inconsistent: " + e.getMessage(), e);
    }
    return new StoredHead(head, binding, weights);
  }

  /** {@code x.json} names the description of {@code x.safetensors}; anything else is taken as is. */
  private static Path weightsFile(Path file) {
    String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
    if (fileName.endsWith(DESCRIPTION_SUFFIX)) {
      String stem = fileName.substring(0, fileName.length() - DESCRIPTION_SUFFIX.length());
      return file.resolveSibling(stem + WEIGHTS_SUFFIX);
    }
    return file;
  }

  private static void checkFitsModel(Head head, ModelBinding model) {
    if (head.hiddenSize() != model.hiddenSize()) {
      throw new InvalidSettingException("head '" + head.name() + "' hidden size", head.hiddenSize(),
          "the model (" + model.describe() + ") has hidden size " + model.hiddenSize());
    }
    for (int layer : head.layers()) {
      if (layer < 0 || layer > model.layers()) {
        throw new InvalidSettingException("head '" + head.name() + "' layer", layer,
            "the model (" + model.describe() + ") has hidden-state indices 0.." + model.layers());
      }
    }
  }

  /** Counts as integers, measures to six significant digits. */
  private static String number(Number n) {
    if (n instanceof Integer || n instanceof Long) {
      return n.toString();
    }
    double v = n.doubleValue();
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "NaN";
  }

  private static void writeDescription(Path file, Head head, ModelBinding binding, Map<String, Tensor> parameters,
      Map<String, ? extends Number> training) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("format", FORMAT);
    root.put("weights", head.name() + WEIGHTS_SUFFIX);
    ObjectNode h = root.putObject("head");
    h.put("name", head.name());
    h.put("kind", head.kind().name());
    ArrayNode layers = h.putArray("layers");
    for (int l : head.layers()) {
      layers.add(l);
    }
    h.put("hidden_size", head.hiddenSize());
    h.put("threshold", head.threshold());
    ObjectNode calibration = h.putObject("calibration");
    calibration.put("slope", head.calibration().slope());
    calibration.put("intercept", head.calibration().intercept());
    ObjectNode meta = h.putObject("metadata");
    head.metadata().forEach(meta::put);
    ObjectNode tensors = h.putObject("tensors");
    parameters.forEach((k, t) -> {
      ArrayNode shape = tensors.putArray(k);
      for (long d : t.shape()) {
        shape.add(d);
      }
    });
    ObjectNode m = root.putObject("model");
    m.put("architecture", binding.architecture());
    m.put("layers", binding.layers());
    m.put("hidden_size", binding.hiddenSize());
    m.put("vocab_size", binding.vocabSize());
    m.put("config_sha256", binding.configSha256());
    if (!training.isEmpty()) {
      ObjectNode t = root.putObject("training");
      training.forEach((k, v) -> {
        if (v instanceof Integer || v instanceof Long) {
          t.put(k, v.longValue());
        } else {
          putNumber(t, k, v.doubleValue());
        }
      });
      t.put("note", "accuracy, AUC, ECE and Brier are measured on the validation split");
    }
    Path tmp = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      // A plain new file (0666 less the umask), not createTempFile's owner-only 0600: it becomes the result.
      tmp = parent.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
      Files.write(tmp, Json.pretty().writeValueAsBytes(root), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new HeadFileException(file, null, "cannot write: " + e, e);
    }
  }

  private static void putNumber(ObjectNode node, String key, double v) {
    if (Double.isFinite(v)) {
      node.put(key, v);
    } else {
      node.putNull(key);
    }
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write failure is what the caller needs to hear about
      }
    }
  }

  private static HeadFileException wrap(Path file, CheckpointException e) {
    String location = e.location().orElse(null);
    String prefix = e.file() + ": " + (location == null ? "" : location + ": ");
    String message = e.getMessage();
    String problem = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    return new HeadFileException(file, location, problem, e);
  }

  private static String required(Path file, Map<String, String> meta, String key) {
    String v = meta.get(key);
    if (v == null || v.isBlank()) {
      throw new HeadFileException(file, "__metadata__." + key, "missing");
    }
    return v;
  }

  private static int positiveInt(Path file, Map<String, String> meta, String key) {
    String v = required(file, meta, key);
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HeadFileException(file, "__metadata__." + key, "'" + v + "' is not a positive integer");
  }

  private static HeadKind kind(Path file, Map<String, String> meta) {
    String v = required(file, meta, HEAD_KIND);
    try {
      return HeadKind.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new HeadFileException(file, "__metadata__." + HEAD_KIND,
          "'" + v + "' is not a head kind (" + Arrays.toString(HeadKind.values()) + ")");
    }
  }

  private static int[] layers(Path file, Map<String, String> meta) {
    String v = required(file, meta, HEAD_LAYERS);
    String[] parts = v.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new HeadFileException(file, "__metadata__." + HEAD_LAYERS,
            "'" + v + "' is not a comma-separated list of layer indices");
      }
      if (out[i] < 0) {
        throw new HeadFileException(file, "__metadata__." + HEAD_LAYERS, "layer " + out[i] + " is negative");
      }
    }
    return out;
  }

  private static String joinLayers(int[] layers) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < layers.length; i++) {
      sb.append(i == 0 ? "" : ",").append(layers[i]);
    }
    return sb.toString();
  }
}
