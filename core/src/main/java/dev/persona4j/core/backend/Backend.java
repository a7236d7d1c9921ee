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

  /** Whether this backend can run a model of this config. */
  boolean supports(ModelConfig config);

  /** The {@code model_type} values this backend runs, for error messages. */
  Set<String> modelTypes();

  /**
   * Loads the model in {@code modelDir}.
   *
   * @throws dev.persona4j.core.checkpoint.CheckpointException naming the file and field or tensor
   *     if the directory cannot be used
   */
  LanguageModel load(Path modelDir, LoadOptions options);
}
