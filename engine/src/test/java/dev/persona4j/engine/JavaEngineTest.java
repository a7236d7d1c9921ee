package dev.persona4j.engine;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java engine beyond parity: weights held in their stored type, steering and capping equal to
 * the DJL engine's, forks sharing the prompt's cache pages, threads gone after close, and typed
 * errors for bad input.
 */
class JavaEngineTest {
  private static final LoadOptions JAVA = JavaParityTest.JAVA;
  private static final int[] PROMPT = {0, 17, 42, 99, 7, 311, 5, 64, 250, 3, 8, 120, 77, 41, 9, 2, 300, 18, 1};

  /** Bytes of the tensors in a checkpoint file, as stored. */
  private static long tensorBytes(Path file) {
    SafetensorsReader r = SafetensorsReader.open(file);
    long total = 0;
    for (String name : r.names()) {
      long n = r.dtype(name).equals("F32") ? 4 : 2;
      for (long d : r.shape(name)) {
        n *= d;
      }
      total += n;
    }
    return total;
  }

  @Test
  void theCpuDefaultIsThisEngineAndAGpuRequestGoesToDjl() {
    Path llama = Fixtures.model("llama");
    LoadOptions cpu = LoadOptions.builder().device(LoadOptions.DevicePreference.CPU).build();
    LoadOptions gpu = LoadOptions.builder().device(LoadOptions.DevicePreference.GPU).build();
    assertEquals("java", Backends.available().stream().filter(b -> b.priority(cpu) > 100).findFirst().orElseThrow().name(),
        "asked for the CPU, the java engine comes first");
    assertTrue(Backends.available().stream().noneMatch(b -> b.name().equals("java") && b.priority(gpu) >= 100),
        "asked for a GPU, DJL comes first");
    try (LanguageModel model = Backends.load(llama, cpu)) {
      assertTrue(model instanceof JavaLanguageModel, "loaded on the CPU by " + model.getClass().getSimpleName());
    }
    if (!Files.exists(Path.of("/proc/driver/nvidia/version"))) {
      try (LanguageModel model = Backends.load(llama)) {
        assertTrue(model instanceof JavaLanguageModel, "no GPU here: the default load is the java engine's, got "
            + model.getClass().getSimpleName());
      }
    }
  }

  @Test
  void weightsLargerThanTheHeapAreRefusedBeforeLoading() {
    Path model = Path.of("models", "big");
    BackendException e = assertThrows(BackendException.class, () -> JavaBackend.checkHeap(model, 6L << 30, 4L << 30));
    assertTrue(e.getMessage().contains(model.toString()) && e.getMessage().contains("6144 MiB")
        && e.getMessage().contains("4096 MiB") && e.getMessage().contains("-Xmx"), e.getMessage());
    JavaBackend.checkHeap(model, 3L << 30, 4L << 30); // fits
    JavaBackend.checkHeap(model, 6L << 30, Long.MAX_VALUE); // no limit
  }

  @Test
  void weightsAreHeldInTheirStoredTypeNotWidened() {
    for (String name : List.of("qwen2-bf16", "llama")) {
      Path dir = Fixtures.model(name);
      long file = tensorBytes(dir.resolve("model.safetensors"));
      try (LanguageModel model = Backends.load(dir, JAVA)) {
        long held = ((JavaLanguageModel) model).weightBytes();
        // matrices only (norm weights and biases are read as float32 but not counted): just under the file
        assertTrue(held <= file && held >= 0.95 * file, name + ": " + held + " bytes of matrices held for " + file + " bytes in the file");
      }
    }
  }

  private static float[] direction(int hidden, double phase) {
    float[] d = new float[hidden];
    for (int i = 0; i < hidden; i++) {
      d[i] = (float) Math.cos(phase * i + 0.3);
    }
    return d;
  }

  /** Prefill, then two steps, each with every tap; all three passes' logits and taps. */
  private static Forward[] steeredPasses(LanguageModel model) {
    int layers = model.info().layers();
    int hidden = model.info().hiddenSize();
    int[] taps = new int[layers + 1];
    Arrays.setAll(taps, i -> i);
    try (DecodingState state = model.newState()) {
      state.steer(1, direction(hidden, 0.7), 2.5f);
      state.steer(1, direction(hidden, 0.2), -1f);
      state.cap(0, direction(hidden, 1.3), 0.4f);
      state.cap(1, direction(hidden, 0.5), 3f);
      Forward prefill = state.prefill(List.of(PROMPT, Arrays.copyOf(PROMPT, 5)), ForwardRequest.allPositions(taps));
      int[] ids = {prefill.sequence(0), prefill.sequence(1)};
      Forward step = state.step(ids, new int[] {4, 5}, ForwardRequest.allPositions(taps));
      state.cap(1, direction(hidden, 0.9), -0.5f);
      Forward again = state.step(ids, new int[] {6, 7}, ForwardRequest.allPositions(taps));
      return new Forward[] {prefill, step, again};
    }
  }

  @Test
  void steeringAndCappingEqualTheDjlEngines() {
    Path dir = Fixtures.model("llama");
    Forward[] java;
    Forward[] djl;
    int layers;
    try (LanguageModel model = Backends.load(dir, JAVA)) {
      layers = model.info().layers();
      java = steeredPasses(model);
    }
    try (LanguageModel model = Backends.load(dir, LoadOptions.builder().backend("djl").build())) {
      djl = steeredPasses(model);
    }
    double max = 0;
    double change = 0;
    for (int p = 0; p < java.length; p++) {
      for (int i = 0; i < 2; i++) {
        max = Math.max(max, JavaParityTest.maxDiff(java[p].logits(i), flat(djl[p].logits(i)), 0));
        for (int tap = 0; tap <= layers; tap++) {
          max = Math.max(max, JavaParityTest.maxDiff(java[p].hidden(i, tap), flat(djl[p].hidden(i, tap)), 0));
        }
      }
    }
    try (LanguageModel model = Backends.load(dir, JAVA); DecodingState plain = model.newState()) {
      change = JavaParityTest.maxDiff(new float[][] {plain.prefill(List.of(PROMPT), ForwardRequest.lastLogits()).lastLogits(0)},
          java[0].lastLogits(0), 0);
    }
    assertTrue(change > 1e-2, "the hooks change the logits, by " + change);
    assertTrue(max <= 1e-4, "steered and capped passes differ from DJL's by " + max);
  }

  private static float[] flat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
    }
    return out;
  }

  @Test
  void forksShareThePromptsPagesAndCopyOnlyThePartlyFilledOne() {
    try (LanguageModel model = Backends.load(Fixtures.model("llama"), JAVA);
        JavaDecodingState state = (JavaDecodingState) model.newState()) {
      int[] prompt = new int[3 * KvCache.PAGE + 5];
      Arrays.setAll(prompt, i -> PROMPT[i % PROMPT.length]);
      Forward f = state.prefill(List.of(prompt), ForwardRequest.lastLogits());
      assertEquals(4, state.cachePages());
      int[] copies = state.fork(f.sequence(0), 7);
      assertEquals(4, state.cachePages(), "a fork copies no page");
      int[] all = new int[8];
      all[0] = f.sequence(0);
      System.arraycopy(copies, 0, all, 1, 7);
      int[] next = new int[8];
      Arrays.fill(next, 5);
      Forward s = state.step(all, next, ForwardRequest.lastLogits());
      assertEquals(4 + 7, state.cachePages(), "each copy's first write copies the one shared, partly filled page");
      for (int i = 1; i < 8; i++) {
        assertArrayEquals(s.lastLogits(0), s.lastLogits(i), "forks decode identically");
      }
      state.release(copies);
      state.step(new int[] {all[0]}, new int[] {6}, ForwardRequest.lastLogits());
      Forward again = state.prefill(List.of(Arrays.copyOf(prompt, 20)), ForwardRequest.lastLogits());
      assertEquals(4 + 7, state.cachePages(), "released pages are reused");
      assertEquals(20, state.length(again.sequence(0)));
    }
  }

  @Test
  void aClosedStatesPagesServeTheNextStateWhichDecodesTheSame() {
    try (LanguageModel model = Backends.load(Fixtures.model("llama"), JAVA)) {
      int[] prompt = new int[2 * KvCache.PAGE + 3];
      Arrays.setAll(prompt, i -> PROMPT[(3 * i) % PROMPT.length]);
      float[] first;
      try (JavaDecodingState state = (JavaDecodingState) model.newState()) {
        // other tokens first, so that the pages the next state gets hold stale keys and values
        Forward f = state.prefill(List.of(Arrays.copyOf(PROMPT, 3 * KvCache.PAGE)), ForwardRequest.lastLogits());
        state.fork(f.sequence(0), 3);
        first = state.prefill(List.of(prompt), ForwardRequest.lastLogits()).lastLogits(0);
        assertTrue(state.cachePages() >= 6, state.cachePages() + " pages");
      }
      try (JavaDecodingState state = (JavaDecodingState) model.newState()) {
        Forward f = state.prefill(List.of(prompt), ForwardRequest.lastLogits());
        assertEquals(0, state.cachePages(), "every page came from the closed state");
        // not bit for bit: the Vector API's exponential is an ulp apart before and after C2 compiles attention
        assertArrayEquals(first, f.lastLogits(0), 1e-5f, "stale pages change nothing");
        Forward s = state.step(new int[] {f.sequence(0)}, new int[] {9}, ForwardRequest.lastLogits());
        int[] longer = Arrays.copyOf(prompt, prompt.length + 1);
        longer[prompt.length] = 9;
        try (DecodingState fresh = model.newState()) {
          float[] expected = fresh.prefill(List.of(longer), ForwardRequest.lastLogits()).lastLogits(0);
          float[] actual = s.lastLogits(0);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4, "logit " + i + " of a step over reused pages");
          }
        }
      }
    }
  }

  private static long engineThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(Workers.THREAD_NAME) && t.isAlive()).count();
  }

  @Test
  void noEngineThreadOutlivesItsModel() throws InterruptedException {
    long before = engineThreads();
    LanguageModel model = Backends.load(Fixtures.model("llama"), JAVA);
    try (DecodingState state = model.newState()) {
      state.prefill(List.of(PROMPT, PROMPT, PROMPT), ForwardRequest.lastLogits());
    }
    int cores = Runtime.getRuntime().availableProcessors();
    if (cores > 1) {
      assertTrue(engineThreads() > before, "the pass ran on helper threads");
    }
    model.close();
    assertEquals(before, engineThreads(), "threads left after close");
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(Workers.THREAD_NAME)) {
        assertTrue(t.isDaemon(), t + " is a daemon thread");
      }
    }
  }

  @Test
  void badInputGetsTypedErrorsNamingTheValue() {
    try (LanguageModel model = Backends.load(Fixtures.model("llama"), JAVA); DecodingState state = model.newState()) {
      int vocab = model.info().vocabSize();
      BackendException e = assertThrows(BackendException.class, () -> state.prefill(List.of(new int[] {1, vocab}), ForwardRequest.lastLogits()));
      assertTrue(e.getMessage().contains("token id " + vocab) && e.getMessage().contains("prompt 0, position 1"), e.getMessage());
      assertThrows(BackendException.class, () -> state.prefill(List.of(new int[] {-1}), ForwardRequest.lastLogits()));
      int[] tooLong = new int[model.info().contextLength() + 1];
      e = assertThrows(BackendException.class, () -> state.prefill(List.of(tooLong), ForwardRequest.lastLogits()));
      assertTrue(e.getMessage().contains("context length"), e.getMessage());
      Forward f = state.prefill(List.of(PROMPT), ForwardRequest.lastLogits());
      int id = f.sequence(0);
      e = assertThrows(BackendException.class, () -> state.step(new int[] {id, id}, new int[] {1, 2}, ForwardRequest.lastLogits()));
      assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
      e = assertThrows(BackendException.class, () -> state.step(new int[] {id + 5}, new int[] {1}, ForwardRequest.lastLogits()));
      assertTrue(e.getMessage().contains("unknown sequence id " + (id + 5)), e.getMessage());
      e = assertThrows(BackendException.class, () -> state.step(new int[] {id}, new int[] {vocab + 3}, ForwardRequest.lastLogits()));
      assertTrue(e.getMessage().contains("token id " + (vocab + 3)), e.getMessage());
      assertEquals(PROMPT.length, state.length(id), "a refused step leaves the sequence as it was");
      state.release(id);
      assertThrows(BackendException.class, () -> state.fork(id, 2));
      assertThrows(IllegalArgumentException.class, () -> state.steer(model.info().layers(), new float[model.info().hiddenSize()], 1f));
      assertThrows(IllegalArgumentException.class, () -> state.cap(0, new float[model.info().hiddenSize()], 1f));
    }
    assertThrows(BackendException.class, () -> Backends.load(Fixtures.model("llama"),
        LoadOptions.builder().backend("java").device(LoadOptions.DevicePreference.GPU).build()));
  }

  /**
   * A long prefill attends column by column, a step's few columns page by page across sequences:
   * the two must agree, with and without a sliding window, and a fork stepped beside others must
   * get what it gets alone.
   */
  @Test
  void bothAttentionPathsAgreeWithAndWithoutASlidingWindow(@TempDir Path dir) throws Exception {
    Path source = Fixtures.model("mistral");
    for (String f : List.of("generation_config.json", "model.safetensors")) {
      Files.copy(source.resolve(f), dir.resolve(f));
    }
    String config = Files.readString(source.resolve("config.json"));
    assertTrue(config.contains("\"sliding_window\": null"), "the fixture has no window yet");
    Files.writeString(dir.resolve("config.json"), config.replace("\"sliding_window\": null", "\"sliding_window\": 21"));
    int[] prompt = new int[100]; // more columns than a step's page-by-page path takes
    Arrays.setAll(prompt, i -> PROMPT[(7 * i) % PROMPT.length] + i % 5);
    float[] unwindowed = null;
    for (Path model : List.of(source, dir)) {
      try (LanguageModel m = Backends.load(model, JAVA); DecodingState state = m.newState(); DecodingState other = m.newState()) {
        float[] whole = state.prefill(List.of(prompt), ForwardRequest.lastLogits()).lastLogits(0);
        if (unwindowed == null) {
          unwindowed = whole;
        } else {
          assertTrue(Math.abs(unwindowed[0] - whole[0]) > 1e-4, "the window changes what the last token sees");
        }
        Forward head = other.prefill(List.of(Arrays.copyOf(prompt, 60)), ForwardRequest.lastLogits());
        int[] sequences = new int[4];
        sequences[0] = head.sequence(0);
        System.arraycopy(other.fork(sequences[0], 3), 0, sequences, 1, 3);
        Forward f = null;
        for (int i = 60; i < prompt.length; i++) {
          int[] next = {prompt[i], prompt[i], 3, 11}; // sequences 0 and 1 follow the prompt, 2 and 3 go elsewhere
          f = other.step(sequences, next, ForwardRequest.lastLogits());
        }
        assertArrayEquals(f.lastLogits(0), f.lastLogits(1), model + ": two forks fed the same tokens");
        for (int i = 0; i < whole.length; i++) {
          assertEquals(whole[i], f.lastLogits(0)[i], 1e-4, model + ": logit " + i + " stepped against prefilled");
        }
        assertTrue(Math.abs(f.lastLogits(2)[0] - f.lastLogits(0)[0]) > 0 || Math.abs(f.lastLogits(2)[1] - f.lastLogits(0)[1]) > 0,
            "a fork fed other tokens decodes otherwise");
      }
    }
  }

  @Test
  void aCheckpointWithAnIntegerWeightIsRefusedNamingTheTensor(@TempDir Path dir) throws Exception {
    Path source = Fixtures.model("llama");
    for (String f : List.of("config.json", "generation_config.json")) {
      Files.copy(source.resolve(f), dir.resolve(f));
    }
    // the same header with one matrix declared I32 (same byte length): the reader accepts it, the engine must not
    byte[] bytes = Files.readAllBytes(source.resolve("model.safetensors"));
    long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
    int at = header.indexOf("\"model.layers.0.mlp.down_proj.weight\"");
    int dtype = header.indexOf("\"F32\"", at);
    String changed = header.substring(0, dtype) + "\"I32\"" + header.substring(dtype + 5);
    System.arraycopy(changed.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, bytes, 8, (int) headerLength);
    Files.write(dir.resolve("model.safetensors"), bytes);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Backends.load(dir, JAVA));
    assertTrue(e.getMessage().contains("model.layers.0.mlp.down_proj.weight") && e.getMessage().contains("I32"), e.getMessage());
  }
}
