package dev.persona4j.core.backend.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.backend.Backend;
import dev.persona4j.core.backend.BackendException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.ModelConfig;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs GPT-2, Llama, Mistral, Qwen2, Qwen3 and Phi-3 checkpoints on DJL's PyTorch engine, in float32,
 * on a GPU when the engine finds one, else on the CPU.
 */
public final class DjlBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(DjlBackend.class);

  @Override
  public String name() {
    return "djl";
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public boolean supports(ModelConfig config) {
    return Architecture.of(config.modelType()).isPresent();
  }

  @Override
  public Set<String> modelTypes() {
    return Architecture.modelTypes();
  }

  @Override
  public LanguageModel load(Path modelDir, LoadOptions options) {
    DjlEnvironment.apply();
    Checkpoint checkpoint = Checkpoint.open(modelDir);
    TransformerModel.checkSupported(checkpoint.config(), modelDir.resolve(Checkpoint.CONFIG));
    Device device = device(options.device());
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      LanguageModel model = new DjlLanguageModel(checkpoint, manager);
      LOG.info("loaded {} from {} on {}", checkpoint.config(), modelDir, device);
      return model;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static Device device(LoadOptions.DevicePreference preference) {
    Engine engine;
    try {
      engine = Engine.getEngine("PyTorch");
    } catch (RuntimeException e) {
      throw new BackendException("the DJL PyTorch engine is not available (is pytorch-native on the class path?): " + e.getMessage(), e);
    }
    int gpus = engine.getGpuCount();
    return switch (preference) {
      case CPU -> Device.cpu();
      case GPU -> {
        if (gpus == 0) {
          throw new BackendException("a GPU was requested but the PyTorch engine finds none");
        }
        yield Device.gpu();
      }
      case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
    };
  }
}
