package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.util.Set;

/**
 * One decoder-only architecture: how token ids become the residual stream, what one decoder layer
 * does to it, the final norm, and the output head. Activations are feature-major, [hidden,
 * columns] (see {@link Pass}), so every projection is a single W·x.
 */
abstract class Architecture {
  /** The {@code model_type} values implemented. */
  static final Set<String> MODEL_TYPES = Set.of("gpt2", "llama", "mistral", "qwen2", "qwen3", "phi3");

  final ModelConfig config;

  Architecture(ModelConfig config) {
    this.config = config;
  }

  static Architecture create(ModelConfig config, Weights weights, NDManager manager) {
    return switch (config.modelType()) {
      case "gpt2" -> new Gpt2(config, weights);
      case "llama" -> new Llama(config, weights, manager);
      case "mistral" -> new Mistral(config, weights, manager);
      case "qwen2" -> new Qwen2(config, weights, manager);
      case "qwen3" -> new Qwen3(config, weights, manager);
      case "phi3" -> new Phi3(config, weights, manager);
      default -> throw new IllegalArgumentException("unsupported model_type " + config.modelType());
    };
  }

  /** Whether the pass needs rotary cos/sin tables. */
  abstract boolean rotary();

  /** Token ids int64 [columns] → the residual stream entering layer 0, [hidden, columns]. */
  abstract NDArray embed(NDArray ids, Pass pass);

  /** Decoder layer {@code index}: residual stream in, residual stream out. */
  abstract NDArray layer(int index, NDArray x, Pass pass);

  /** The final norm, applied to the residual stream after the last layer. */
  abstract NDArray finalNorm(NDArray x);

  /** The output head [vocab, hidden] (the token embedding when tied). */
  abstract NDArray outputHead();
}
