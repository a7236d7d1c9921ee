package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDManager;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.GenerationConfig;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.tokenizers.Tokenizer;

/** A model loaded by the DJL backend: its prepared weights shared by any number of decoding states. */
final class DjlLanguageModel implements LanguageModel {
  private final NDManager manager;
  private final TransformerModel model;
  private final ModelInfo info;
  private final GenerationConfig generationConfig;
  private volatile Tokenizer tokenizer;
  private volatile boolean closed;

  DjlLanguageModel(Checkpoint checkpoint, NDManager manager) {
    this.manager = manager;
    this.model = TransformerModel.open(checkpoint, manager);
    ModelConfig c = checkpoint.config();
    this.info = new ModelInfo(c.modelType(), c.layers(), c.hiddenSize(), c.heads(), c.kvHeads(), c.headDim(),
        c.vocabSize(), c.contextLength(), c.sha256(), checkpoint.directory());
    this.generationConfig = checkpoint.generationConfig();
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
          // loaded lazily: a freshly trained checkpoint may not have tokenizer files yet
          tokenizer = t = Tokenizer.load(info.directory());
        }
      }
    }
    return t;
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
    synchronized (this) {
      // sub-manager creation mutates the parent's registry
      return new DjlDecodingState(model);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      synchronized (this) {
        if (tokenizer != null) {
          tokenizer.close();
        }
      }
      model.close();
      manager.close();
    }
  }

  @Override
  public String toString() {
    return "DjlLanguageModel[" + info.architecture() + ", " + info.directory() + "]";
  }
}
