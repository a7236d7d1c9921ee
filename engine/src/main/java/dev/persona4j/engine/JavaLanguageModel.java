package dev.persona4j.engine;

import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.checkpoint.GenerationConfig;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.tokenizers.Tokenizer;
import java.nio.file.Path;
import java.util.function.Supplier;

/** A model loaded by the Java engine: its weights and threads, shared by any number of decoding states. */
final class JavaLanguageModel implements LanguageModel {
  private final Transformer model;
  private final Workers workers;
  private final KvCache.Pool pages;
  private final ModelInfo info;
  private final GenerationConfig generationConfig;
  /** Until the tokenizer is made: a GGUF file's supplier holds the file's whole metadata, every token and merge as a string. */
  private Supplier<Tokenizer> tokenizerSource;
  private volatile Tokenizer tokenizer;
  private volatile boolean closed;

  /**
   * @param source the model directory, or the model file (GGUF)
   * @param tokenizerSource makes the tokenizer, on first use
   */
  JavaLanguageModel(Transformer model, Workers workers, GenerationConfig generationConfig, Path source, Supplier<Tokenizer> tokenizerSource) {
    this.model = model;
    this.workers = workers;
    ModelConfig c = model.config();
    // a quarter of the weights' size, at least 64 MiB: room for a few best-of-8 replies' caches
    this.pages = KvCache.Pool.ofBytes(c.layers(), c.kvHeads() * c.headDim(), Math.max(64L << 20, model.bytes() / 4));
    this.info = new ModelInfo(c.modelType(), c.layers(), c.hiddenSize(), c.heads(), c.kvHeads(), c.headDim(),
        c.vocabSize(), c.contextLength(), c.sha256(), source);
    this.generationConfig = generationConfig;
    this.tokenizerSource = tokenizerSource;
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public Tokenizer tokenizer() {
    Tokenizer t = tokenizer;
    if (t == null) {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("model is closed");
        }
        t = tokenizer;
        if (t == null) {
          tokenizer = t = tokenizerSource.get(); // lazily: the weights alone are enough to decode ids
          tokenizerSource = null;
        }
      }
    }
    return t;
  }

  /** Whether the model still holds what makes its tokenizer (until the first {@link #tokenizer()}): for tests. */
  synchronized boolean holdsTokenizerSource() {
    return tokenizerSource != null;
  }

  @Override
  public GenerationConfig generationConfig() {
    return generationConfig;
  }

  @Override
  public DecodingState newState() {
    if (closed) {
      throw new IllegalStateException("model is closed");
    }
    return new JavaDecodingState(model, workers, pages);
  }

  /** Bytes of weights held in memory. */
  long weightBytes() {
    return model.bytes();
  }

  /** Stops the model's threads; its weights go with the last reference to it. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      synchronized (this) {
        if (tokenizer != null) {
          tokenizer.close();
        }
      }
      workers.close();
    }
  }

  @Override
  public String toString() {
    return "JavaLanguageModel[" + info.architecture() + ", " + info.directory() + "]";
  }
}
