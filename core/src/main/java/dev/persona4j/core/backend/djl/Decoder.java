package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * One loaded decoder-only model on DJL: how token ids become the residual stream, what one decoder
 * layer does to it, the final norm, and the output head. The residual stream is token-major
 * [columns, hidden] (see {@link Pass}); projections return feature-major [out, columns] (see
 * {@link Linear}), which is what attention reshapes into heads.
 */
abstract class Decoder {
  /** The Llama family ({@link LlamaDecoder}, driven by its description) or GPT-2. */
  static Decoder create(Architecture architecture, ModelConfig config, WeightPreparation prep) {
    return architecture.positions() == Architecture.Positions.LEARNED
        ? new Gpt2Decoder(architecture, config, prep)
        : new LlamaDecoder(architecture, config, prep);
  }

  /** Token ids int64 [columns] → the residual stream entering layer 0, [columns, hidden]. */
  abstract NDArray embed(NDArray ids, Pass pass);

  /** Decoder layer {@code index}: residual stream in, residual stream out. */
  abstract NDArray layer(int index, NDArray x, Pass pass);

  /** The final norm, applied to the residual stream after the last layer. */
  abstract NDArray finalNorm(NDArray x);

  /** The output head [vocab, hidden] (the token embedding when tied). */
  abstract NDArray outputHead();
}
