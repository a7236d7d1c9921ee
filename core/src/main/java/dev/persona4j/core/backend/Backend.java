package dev.persona4j.core.backend;

import dev.persona4j.core.checkpoint.ModelConfig;
import java.nio.file.Path;
import java.util.Set;

/**
 * A way of running a language model, found with {@link java.util.ServiceLoader} (register an
 * implementation in {@code META-INF/services/dev.persona4j.core.backend.Backend}). {@link Backends}
 * picks the supporting backend of highest priority.
 */
public interface Backend {
  /** Short name, e.g. {@code djl}; {@link LoadOptions#backend()} selects by it. */
  String name();

  /** Higher wins when several backends support a model. */
  int priority();

  /**
   * The priority for a load with these options (a backend may be the better choice for one device
   * and not another); {@link #priority()} unless a backend says otherwise.
   */
  default int priority(LoadOptions options) {
    return priority();
  }

  /** Whether this backend can run a model of this config. */
  boolean supports(ModelConfig config);

  /** The {@code model_type} values this backend runs, for error messages. */
  Set<String> modelTypes();

  /**
   * Whether this backend loads {@code file}, a single-file model (such as a GGUF file) rather than a
   * model directory; {@link Backends} asks when given a file. False unless a backend says otherwise.
   */
  default boolean loadsFile(Path file) {
    return false;
  }

  /**
   * Loads the model in {@code modelDir}, or the model file {@code modelDir} when this backend {@link
   * #loadsFile loads it}.
   *
   * @throws dev.persona4j.core.checkpoint.CheckpointException naming the file and field or tensor
   *     if the directory (or file) cannot be used
   */
  LanguageModel load(Path modelDir, LoadOptions options);
}
