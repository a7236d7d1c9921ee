package dev.persona4j.engine;

import dev.persona4j.core.architecture.Architecture;
import dev.persona4j.core.backend.Backend;
import dev.persona4j.core.backend.BackendException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.core.checkpoint.Checkpoint;
import dev.persona4j.core.checkpoint.GenerationConfig;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure-Java engine, backend {@code java}: GPT-2, Llama, Mistral, Qwen2, Qwen3 and Phi-3
 * checkpoints on the CPU, weights kept in their stored type (F32, F16, BF16), products on the
 * Vector API; it also loads GGUF files (llama.cpp's format: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K
 * weights kept as stored, config, tokenizer and chat template from the file's metadata). Select it with {@code LoadOptions.builder().backend("java")}; DJL stays the default
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

  /** GGUF files: a regular file starting with GGUF's magic. */
  @Override
  public boolean loadsFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
    } catch (IOException e) {
      return false;
    }
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
    if (Files.isRegularFile(modelDir)) {
      return loadGguf(modelDir, start);
    }
    Checkpoint checkpoint = Checkpoint.open(modelDir);
    Transformer.checkSupported(checkpoint.config(), modelDir.resolve(Checkpoint.CONFIG));
    Workers workers = Workers.sizedToMachine();
    try {
      Transformer model = Transformer.load(checkpoint.config(), modelDir.resolve(Checkpoint.CONFIG), new SafetensorsWeights(checkpoint, workers), workers.threads());
      JavaLanguageModel loaded = new JavaLanguageModel(model, workers, checkpoint.generationConfig(), modelDir,
          () -> Tokenizer.load(modelDir));
      LOG.info("loaded {} from {} in {} ms ({} MB of weights, {} threads)", checkpoint.config(), modelDir,
          (System.nanoTime() - start) / 1_000_000, model.bytes() >> 20, workers.threads());
      return loaded;
    } catch (RuntimeException | Error e) {
      workers.close();
      throw e;
    }
  }

  /** A GGUF file: config, generation defaults (its special ids) and tokenizer from its metadata. */
  private static LanguageModel loadGguf(Path file, long start) {
    GgufFile gguf = GgufFile.open(file);
    ModelConfig config = gguf.config();
    Transformer.checkSupported(config, file);
    Workers workers = Workers.sizedToMachine();
    try {
      Transformer model = Transformer.load(config, file, new GgufWeights(gguf), workers.threads());
      JavaLanguageModel loaded = new JavaLanguageModel(model, workers, GenerationConfig.of(config), file, gguf::tokenizer);
      LOG.info("loaded {} from {} in {} ms ({} MB of weights, {} threads)", config, file,
          (System.nanoTime() - start) / 1_000_000, model.bytes() >> 20, workers.threads());
      return loaded;
    } catch (RuntimeException | Error e) {
      workers.close();
      throw e;
    }
  }
}
