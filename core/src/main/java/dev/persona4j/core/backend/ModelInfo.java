package dev.persona4j.core.backend;

import java.nio.file.Path;

/**
 * What a loaded model is: its architecture and sizes.
 *
 * @param architecture the config's {@code model_type}, e.g. {@code llama}
 * @param layers number of decoder layers (hidden-state taps run 0..layers)
 * @param hiddenSize width of the residual stream (and of every tap)
 * @param contextLength longest sequence the model accepts
 * @param configSha256 SHA-256 of config.json, identifying the model for stored heads
 * @param directory the model directory, or the model file a backend loaded (a GGUF file)
 */
public record ModelInfo(
    String architecture,
    int layers,
    int hiddenSize,
    int heads,
    int kvHeads,
    int headDim,
    int vocabSize,
    int contextLength,
    String configSha256,
    Path directory) {}
