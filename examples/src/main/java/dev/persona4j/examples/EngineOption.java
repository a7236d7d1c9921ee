package dev.persona4j.examples;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --engine java|djl}: which backend runs the model (a GGUF file only the java engine loads). */
final class EngineOption {
  @Option(names = "--engine", paramLabel = "java|djl", description = {
      "The backend that runs the model: java (the pure-Java engine) or djl (PyTorch). Default: java on the CPU"
          + " (the faster one there, measured: README), djl where an NVIDIA GPU is present; a .gguf file always java."})
  String engine;

  LanguageModel load(Path model) {
    LoadOptions.Builder options = LoadOptions.builder();
    if (engine != null) {
      options.backend(engine);
    }
    return Backends.load(model, options.build());
  }
}
