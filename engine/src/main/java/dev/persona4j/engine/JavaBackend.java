package dev.persona4j.engine;

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
 * The pure-Java engine, backend {@code java}: GPT-2, Llama, Mistral, Qwen2, Qwen3 and Phi-3
 * checkpoints on the CPU, weights kept in their stored type (F32, F16, BF16), products on the
 * Vector API. Select it with {@code LoadOptions.builder().backend("java")}; DJL stays the default
 * (higher priority). Every JVM running it needs {@code --add-modules jdk.incubator.vector} (JDK 17's
 * incubating Vector API).
 */
public final class JavaBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(JavaBackend.class);

  @Override
  public String name() {
    return "java";
  }

  /** Below the DJL backend's 100, until the benchmark decides which is the CPU default. */
  @Override
  public int priority() {
    return 50;
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
    if (options.device() == LoadOptions.DevicePreference.GPU) {
      throw new BackendException("a GPU was requested but the java backend runs on the CPU only");
    }
    try {
      Class.forName("jdk.incubator.vector.FloatVector");
    } catch (ClassNotFoundException | LinkageError e) {
      throw new BackendException("the java backend needs the Vector API: run the JVM with --add-modules jdk.incubator.vector", e);
    }
    long start = System.nanoTime();
    Checkpoint checkpoint = Checkpoint.open(modelDir);
    Transformer.checkSupported(checkpoint.config(), modelDir.resolve(Checkpoint.CONFIG));
    Workers workers = Workers.sizedToMachine();
    try {
      Transformer model = Transformer.load(checkpoint.config(), modelDir.resolve(Checkpoint.CONFIG), new SafetensorsWeights(checkpoint), workers.threads());
      JavaLanguageModel loaded = new JavaLanguageModel(model, workers, checkpoint.generationConfig(), modelDir);
      LOG.info("loaded {} from {} in {} ms ({} MB of weights, {} threads)", checkpoint.config(), modelDir,
          (System.nanoTime() - start) / 1_000_000, model.bytes() >> 20, workers.threads());
      return loaded;
    } catch (RuntimeException | Error e) {
      workers.close();
      throw e;
    }
  }
}
