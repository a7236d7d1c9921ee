package dev.persona4j.core.backend;

import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds the backend for a model directory (or a single model file, such as GGUF) and loads it. */
public final class Backends {
  private Backends() {}

  /** Loads {@code modelDir} with {@link LoadOptions#defaults()}. */
  public static LanguageModel load(Path modelDir) {
    return load(modelDir, LoadOptions.defaults());
  }

  /**
   * Loads {@code modelDir} with the highest-priority backend that supports its config (or the one
   * named in {@code options}); a regular file instead of a directory, with the highest-priority
   * backend that {@linkplain Backend#loadsFile loads it} (the {@code java} engine loads GGUF files).
   *
   * @throws CheckpointException naming the file and field or tensor when the directory cannot be
   *     used, including an unsupported {@code model_type}, or when no backend loads the file
   */
  public static LanguageModel load(Path modelDir, LoadOptions options) {
    if (Files.isRegularFile(modelDir)) {
      return loadFile(modelDir, options);
    }
    if (!Files.isDirectory(modelDir)) {
      throw new CheckpointException(modelDir, null, "not a model directory (does not exist or is not a directory)");
    }
    Path configFile = modelDir.resolve(Checkpoint.CONFIG);
    ModelConfig config = ModelConfig.load(configFile);
    List<Backend> all = available(options);
    TreeSet<String> types = new TreeSet<>();
    List<String> names = new ArrayList<>();
    for (Backend b : all) {
      names.add(b.name());
      if (options.backend().isPresent() && !options.backend().get().equals(b.name())) {
        continue;
      }
      types.addAll(b.modelTypes());
      if (b.supports(config)) {
        return b.load(modelDir, options);
      }
    }
    if (options.backend().isPresent() && !names.contains(options.backend().get())) {
      throw new IllegalArgumentException("no backend named '" + options.backend().get() + "'; available: " + names);
    }
    throw new CheckpointException(
        configFile,
        "model_type",
        "'" + config.modelType() + "' is not supported" + (types.isEmpty() ? " (no backend found on the class path)" : "; supported: " + String.join(", ", types)));
  }

  private static LanguageModel loadFile(Path file, LoadOptions options) {
    List<String> names = new ArrayList<>();
    List<String> loaders = new ArrayList<>();
    for (Backend b : available(options)) {
      names.add(b.name());
      boolean loads = b.loadsFile(file);
      if (loads) {
        loaders.add(b.name());
      }
      if (loads && (options.backend().isEmpty() || options.backend().get().equals(b.name()))) {
        return b.load(file, options);
      }
    }
    if (options.backend().isPresent() && !names.contains(options.backend().get())) {
      throw new IllegalArgumentException("no backend named '" + options.backend().get() + "'; available: " + names);
    }
    throw new CheckpointException(file, null, loaders.isEmpty()
        ? "not a model directory, and no backend on the class path loads this file (GGUF files need persona4j-engine)"
        : "backend '" + options.backend().orElseThrow() + "' does not load model files; backends that load this one: " + loaders);
  }

  /** The backends on the class path, highest priority first. */
  public static List<Backend> available() {
    return available(LoadOptions.defaults());
  }

  /** The backends on the class path, highest priority for a load with {@code options} first. */
  static List<Backend> available(LoadOptions options) {
    List<Backend> out = new ArrayList<>();
    ServiceLoader.load(Backend.class, Backends.class.getClassLoader()).forEach(out::add);
    out.sort(Comparator.comparingInt((Backend b) -> b.priority(options)).reversed());
    return out;
  }
}
