package dev.persona4j.core.heads;

import dev.persona4j.core.backend.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What ties a head to the model it was trained on: a head reads that model's activations and means
 * nothing on another one. The SHA-256 of config.json tells apart models that share sizes.
 *
 * @param architecture the config's {@code model_type}
 * @param layers number of decoder layers
 * @param hiddenSize width of the residual stream
 * @param vocabSize vocabulary size
 * @param configSha256 SHA-256 (hex) of the model's config.json
 */
record ModelBinding(String architecture, int layers, int hiddenSize, int vocabSize, String configSha256) {
  public ModelBinding {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(configSha256, "configSha256");
  }

  /** The binding of a loaded model. */
  public static ModelBinding of(ModelInfo info) {
    Objects.requireNonNull(info, "info");
    return new ModelBinding(info.architecture(), info.layers(), info.hiddenSize(), info.vocabSize(),
        info.configSha256());
  }

  /**
   * The fields in which {@code other} differs from this binding, each as {@code "field (this vs
   * other)"}; empty when they match.
   */
  public List<String> differences(ModelBinding other) {
    Objects.requireNonNull(other, "other");
    List<String> out = new ArrayList<>();
    if (!architecture.equals(other.architecture)) {
      out.add("architecture (" + architecture + " vs " + other.architecture + ")");
    }
    if (layers != other.layers) {
      out.add("layers (" + layers + " vs " + other.layers + ")");
    }
    if (hiddenSize != other.hiddenSize) {
      out.add("hidden size (" + hiddenSize + " vs " + other.hiddenSize + ")");
    }
    if (vocabSize != other.vocabSize) {
      out.add("vocab size (" + vocabSize + " vs " + other.vocabSize + ")");
    }
    if (!configSha256.equalsIgnoreCase(other.configSha256)) {
      out.add("config.json SHA-256 (" + shortSha(configSha256) + " vs " + shortSha(other.configSha256) + ")");
    }
    return out;
  }

  /** E.g. {@code llama with 4 layers / hidden 64 / vocab 512 / config sha 3fa1c2d4e5f6}. */
  public String describe() {
    return String.format(Locale.ROOT, "%s with %d layers / hidden %d / vocab %d / config sha %s", architecture, layers,
        hiddenSize, vocabSize, shortSha(configSha256));
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
  }
}
