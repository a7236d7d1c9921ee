package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.BackendException;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.SafetensorsReader;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad models and bad requests give typed exceptions naming what is wrong, and leave state usable. */
class BackendBadInputTest {
  private static LanguageModel llama;

  @TempDir Path tmp;

  @BeforeAll
  static void load() {
    llama = Backends.load(Fixtures.model("llama"));
  }

  @AfterAll
  static void close() {
    llama.close();
  }

  private Path copy(String model) throws IOException {
    Path dst = tmp.resolve(model);
    Files.createDirectories(dst);
    try (var files = Files.list(Fixtures.model(model))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, dst.resolve(f.getFileName()));
        dst.resolve(f.getFileName()).toFile().setWritable(true);
      }
    }
    return dst;
  }

  /** Rewrites model.safetensors, letting {@code edit} replace (or drop, by returning null) tensors. */
  private static void rewriteWeights(Path dir, BiFunction<String, float[], float[][]> edit) {
    Path file = dir.resolve("model.safetensors");
    SafetensorsReader r = SafetensorsReader.open(file);
    SafetensorsWriter w = new SafetensorsWriter();
    for (String n : r.names()) {
      float[][] replaced = edit.apply(n, r.floats(n));
      if (replaced == null) {
        continue;
      }
      long[] shape = replaced.length == 2 ? new long[] {(long) replaced[0][0], (long) replaced[0][1]} : r.shape(n);
      w.putF32(n, shape, replaced[replaced.length - 1]);
    }
    w.write(file);
  }

  private static void editConfig(Path dir, String from, String to) throws IOException {
    Path c = dir.resolve("config.json");
    String text = Files.readString(c);
    assertTrue(text.contains(from), from);
    Files.writeString(c, text.replace(from, to));
  }

  @Test
  void unknownModelTypeNamesConfigAndField() throws IOException {
    Path dir = copy("llama");
    editConfig(dir, "\"model_type\": \"llama\"", "\"model_type\": \"falcon\"");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals(dir.resolve("config.json"), e.file());
    assertEquals("model_type", e.location().orElseThrow());
    assertTrue(e.getMessage().contains("falcon") && e.getMessage().contains("llama"), e.getMessage());
  }

  @Test
  void configMissingARequiredField() throws IOException {
    Path dir = copy("mistral");
    editConfig(dir, "\"intermediate_size\": 128,", "");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals("intermediate_size", e.location().orElseThrow());
  }

  @Test
  void unsupportedRopeTypeAndActivation() throws IOException {
    Path dir = copy("llama");
    editConfig(dir, "\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}");
    assertEquals("rope_scaling.rope_type", assertThrows(CheckpointException.class, () -> Backends.load(dir)).location().orElseThrow());
    Path dir2 = copy("qwen3");
    editConfig(dir2, "\"hidden_act\": \"silu\"", "\"hidden_act\": \"mish\"");
    assertEquals("hidden_act", assertThrows(CheckpointException.class, () -> Backends.load(dir2)).location().orElseThrow());
  }

  @Test
  void tensorOfTheWrongShapeNamesFileAndTensor() throws IOException {
    Path dir = copy("llama");
    String bad = "model.layers.1.self_attn.k_proj.weight";
    rewriteWeights(dir, (n, v) -> n.equals(bad) ? new float[][] {{16, 64}, new float[16 * 64]} : new float[][] {v});
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals(dir.resolve("model.safetensors"), e.file());
    assertEquals(bad, e.location().orElseThrow());
    assertTrue(e.getMessage().contains("[16, 64]") && e.getMessage().contains("[32, 64]"), e.getMessage());
  }

  @Test
  void missingTensorNamesFileAndTensor() throws IOException {
    Path dir = copy("phi3");
    rewriteWeights(dir, (n, v) -> n.equals("lm_head.weight") ? null : new float[][] {v});
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir));
    assertEquals("lm_head.weight", e.location().orElseThrow());
    assertEquals(dir.resolve("model.safetensors"), e.file());
  }

  @Test
  void truncatedWeightsAndMissingDirectory() throws IOException {
    Path dir = copy("gpt2");
    Path w = dir.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(w);
    Files.write(w, java.util.Arrays.copyOf(all, all.length - 100));
    assertEquals(w, assertThrows(CheckpointException.class, () -> Backends.load(dir)).file());
    Path none = tmp.resolve("absent");
    assertEquals(none, assertThrows(CheckpointException.class, () -> Backends.load(none)).file());
    assertThrows(IllegalArgumentException.class, () -> Backends.load(Fixtures.model("gpt2"), LoadOptions.builder().backend("nope").build()));
  }

  @Test
  void tokenIdOutOfRange() {
    try (DecodingState s = llama.newState()) {
      BackendException e = assertThrows(BackendException.class, () -> s.prefill(List.of(new int[] {1, 2}, new int[] {3, 600}), ForwardRequest.lastLogits()));
      assertTrue(e.getMessage().startsWith("token id 600 is outside the vocabulary of 512 (prompt 1"), e.getMessage());
      assertEquals(0, s.sequences().length, "nothing half-added");
      int id = s.prefill(List.of(new int[] {1, 2}), ForwardRequest.lastLogits()).sequence(0);
      BackendException negative = assertThrows(BackendException.class, () -> s.step(new int[] {id}, new int[] {-1}, ForwardRequest.lastLogits()));
      assertTrue(negative.getMessage().startsWith("token id -1 is outside the vocabulary of 512"), negative.getMessage());
      assertEquals(2, s.length(id), "a failed step leaves the sequence as it was");
    }
  }

  @Test
  void promptLongerThanTheContext() {
    try (DecodingState s = llama.newState()) {
      int[] tooLong = new int[129];
      BackendException e = assertThrows(BackendException.class, () -> s.prefill(List.of(tooLong), ForwardRequest.lastLogits()));
      assertEquals("prompt 0 needs 129 positions but the model's context length is 128", e.getMessage());
      // a sequence at the context length cannot take another token
      Forward f = s.prefill(List.of(new int[128]), ForwardRequest.lastLogits());
      int id = f.sequence(0);
      BackendException full = assertThrows(BackendException.class, () -> s.step(new int[] {id}, new int[] {5}, ForwardRequest.lastLogits()));
      assertTrue(full.getMessage().contains("needs 129 positions but the model's context length is 128"), full.getMessage());
      assertEquals(128, s.length(id));
    }
  }

  @Test
  void unknownOrReleasedSequence() {
    try (DecodingState s = llama.newState()) {
      int id = s.prefill(List.of(new int[] {1, 2, 3}), ForwardRequest.lastLogits()).sequence(0);
      BackendException unknown = assertThrows(BackendException.class, () -> s.step(new int[] {99}, new int[] {1}, ForwardRequest.lastLogits()));
      assertTrue(unknown.getMessage().startsWith("unknown sequence id 99: no such sequence"), unknown.getMessage());
      assertUnknown(99, () -> s.fork(99, 2));
      assertUnknown(99, () -> s.length(99));
      assertUnknown(99, () -> s.release(id, 99));
      assertArrayEquals(new int[] {id}, s.sequences(), "a failed release releases nothing");
      assertUnknown(id, () -> s.step(new int[] {id, id}, new int[] {1, 1}, ForwardRequest.lastLogits()));
      s.release(id);
      BackendException e = assertThrows(BackendException.class, () -> s.step(new int[] {id}, new int[] {1}, ForwardRequest.lastLogits()));
      assertEquals("unknown sequence id " + id + ": it was released", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> s.prefill(List.of(new int[0]), ForwardRequest.lastLogits()));
      assertThrows(IllegalArgumentException.class, () -> s.prefill(List.of(new int[] {1}), ForwardRequest.withTaps(5)));
      assertThrows(IllegalArgumentException.class, () -> s.steer(4, new float[64], 1f));
      assertThrows(IllegalArgumentException.class, () -> s.steer(0, new float[63], 1f));
    }
  }

  @Test
  void closingTheModelBeforeItsStatesIsSafe() {
    LanguageModel model = Backends.load(Fixtures.model("gpt2"));
    DecodingState s = model.newState();
    s.prefill(List.of(new int[] {1, 2, 3}), ForwardRequest.lastLogits());
    model.close();
    s.close();
    model.close();
    assertThrows(IllegalStateException.class, model::newState);
    assertThrows(IllegalStateException.class, () -> s.prefill(List.of(new int[] {1}), ForwardRequest.lastLogits()));
  }

  private static void assertUnknown(int sequence, org.junit.jupiter.api.function.Executable action) {
    BackendException e = assertThrows(BackendException.class, action);
    assertTrue(e.getMessage().startsWith("unknown sequence id " + sequence + ": "), e.getMessage());
  }
}
