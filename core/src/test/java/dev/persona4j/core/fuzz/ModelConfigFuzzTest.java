package dev.persona4j.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.GenerationConfig;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * Fuzz target: any bytes as {@code config.json}, then as {@code generation_config.json} for the
 * config when it is valid. Only {@link CheckpointException} may come out.
 */
class ModelConfigFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    ModelConfig config;
    try {
      config = ModelConfig.load(FuzzFiles.write("config.json", data));
    } catch (CheckpointException e) {
      return;
    }
    try {
      GenerationConfig.load(FuzzFiles.write("generation_config.json", data), config);
    } catch (CheckpointException e) {
      // expected for most inputs
    }
  }
}
