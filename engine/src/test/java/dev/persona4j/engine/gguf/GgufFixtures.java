package dev.persona4j.engine.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The GGUF fixtures and the reference checkpoints they were converted from, in {@code ../shared/fixtures}
 * beside the repository root (or above a worktree); tests that need them are skipped, saying so, when absent.
 */
public final class GgufFixtures {
  private GgufFixtures() {}

  public static Optional<Path> shared() {
    for (Path up = Path.of(System.getProperty("user.dir")).toAbsolutePath(); up != null; up = up.getParent()) {
      Path candidate = up.resolve("shared/fixtures");
      if (Files.isDirectory(candidate.resolve("gguf")) && Files.isDirectory(candidate.resolve("hf-reference"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The shared fixtures folder, or the test is skipped. */
  public static Path require() {
    Optional<Path> shared = shared();
    Assumptions.assumeTrue(shared.isPresent(),
        "SKIPPED: ../shared/fixtures/gguf and hf-reference are not beside the repository root");
    return shared.get();
  }

  /** Every fixture GGUF file, sorted. */
  public static List<Path> ggufFiles() {
    try (Stream<Path> files = Files.walk(require().resolve("gguf"))) {
      List<Path> out = new ArrayList<>(files.filter(p -> p.toString().endsWith(".gguf")).sorted().toList());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path gguf(String model, String type) {
    return require().resolve("gguf").resolve(model).resolve(model + "-" + type + ".gguf");
  }

  public static Path hfModel(String model) {
    return require().resolve("hf-reference/models").resolve(model);
  }

  /** The model folder name of a fixture file ({@code llama-k} of {@code llama-k-Q4_K.gguf}). */
  public static String modelOf(Path gguf) {
    return gguf.getParent().getFileName().toString();
  }

  public static JsonNode expected(Path gguf) {
    String name = gguf.getFileName().toString().replace(".gguf", ".expected.json");
    try {
      return Json.mapper().readTree(gguf.resolveSibling(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A writer for a GGUF file holding only a [vocab, hidden] token embedding of the type, with the llama
   * metadata and the vocabulary that opening it needs: for tests of tensors larger than the fixtures'.
   */
  public static GgufWriter embeddingFile(int hidden, int vocab, GgufType type, Supplier<ByteBuffer> data) {
    List<String> tokens = new ArrayList<>(vocab);
    for (int i = 0; i < vocab; i++) {
      tokens.add("t" + i);
    }
    GgufWriter w = new GgufWriter();
    w.putString("general.architecture", "llama");
    w.putUint32("llama.block_count", 1);
    w.putUint32("llama.context_length", 64);
    w.putUint32("llama.embedding_length", hidden);
    w.putUint32("llama.feed_forward_length", 128);
    w.putUint32("llama.attention.head_count", 4);
    w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.putString("tokenizer.ggml.model", "gpt2");
    w.putStrings("tokenizer.ggml.tokens", tokens);
    w.putInt32s("tokenizer.ggml.token_type", Collections.nCopies(vocab, 1));
    w.putStrings("tokenizer.ggml.merges", List.of("t 1"));
    w.tensor("token_embd.weight", type, new long[] {hidden, vocab}, data);
    return w;
  }
}
