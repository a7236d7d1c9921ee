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
 * Vector API; it also loads GGUF files (llama.cpp's format: F32, F16, BF16, Q8_0, Q5_0, Q4_0, Q4_K, Q6_K
 * weights kept as stored, config, tokenizer and chat template from the file's metadata). It is the
 * default for loads on the CPU ({@link #priority(LoadOptions)}); {@code LoadOptions.builder().backend("java")}
 * names it. Every JVM running it needs {@code --add-modules jdk.incubator.vector} (JDK 17's
 * incubating Vector API).
 */
public final class JavaBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(JavaBackend.class);

  @Override
  public String name() {
    return "java";
  }

  /** Below the DJL backend's 100: its priority where no device is in question. */
  @Override
  public int priority() {
    return 50;
  }

  /**
   * Above the DJL backend's 100 for a load on the CPU, where the benchmark measured this engine at
   * about twice DJL's speed at batch 1 and nearly 4× at batch 8 (README, "The Java engine"): asked for
   * the CPU, or for no device in particular on a machine without an NVIDIA driver. DJL stays first
   * for a GPU, and wherever the JVM lacks the Vector API module.
   */
  @Override
  public int priority(LoadOptions options) {
    boolean cpu = options.device() == LoadOptions.DevicePreference.CPU
        || options.device() == LoadOptions.DevicePreference.AUTO && !NVIDIA_DRIVER;
    return cpu && VECTOR_API ? 150 : priority();
  }

  /**
   * Whether an NVIDIA driver is loaded (what DJL's CUDA engine needs), looked up once: backends are
   * sorted by priority on every load.
   */
  private static final boolean NVIDIA_DRIVER = Files.exists(Path.of("/proc/driver/nvidia/version"));
  /** Whether this JVM runs with {@code --add-modules jdk.incubator.vector}. */
  private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  @Override
  public boolean supports(ModelConfig config) {
    return Architecture.of(config.modelType()).isPresent();
  }

  @Override
  public Set<String> modelTypes() {
    return Architecture.modelTypes();
  }

  /**
   * Fails before reading a weight when the model's files hold more bytes than this JVM's heap, where
   * the engine keeps its weights: an OutOfMemoryError halfway through a load says nothing useful.
   *
   * @throws BackendException naming the model, its size and the heap's, and what to do
   */
  static void checkHeap(Path model, long weightBytes, long maxHeap) {
    if (maxHeap != Long.MAX_VALUE && weightBytes > maxHeap) {
      throw new BackendException(String.format(java.util.Locale.ROOT,
          "%s holds %d MiB of weights but the Java heap is at most %d MiB, and the java engine keeps its weights"
              + " there: give the JVM more (-Xmx; for the CLI, PERSONA4J_JAVA_OPTS=-Xmx%dm) or use the djl backend",
          model, weightBytes >> 20, maxHeap >> 20, (weightBytes * 5 / 4 >> 20) + 512));
    }
  }

  /** Bytes of a GGUF file, or of a directory's safetensors files: about what the weights take in memory. */
  private static long storedWeightBytes(Path model) {
    try {
      if (Files.isRegularFile(model)) {
        return Files.size(model);
      }
      long total = 0;
      try (var files = Files.list(model)) {
        for (Path f : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))::iterator) {
          total += Files.size(f);
        }
      }
      return total;
    } catch (IOException e) {
      return 0; // the load itself reports what cannot be read
    }
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
    checkHeap(modelDir, storedWeightBytes(modelDir), Runtime.getRuntime().maxMemory());
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
