package dev.persona4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tokenizer on the reference models' real tokenizers, checked against what transformers computed. */
class TokenizerTest {
  private static final String MULTILINGUAL =
      "Café – naïve résumé, déjà vu 😊 and 12345 numbers. 海は穏やかです。Ahoy! 🏴‍☠️ Ça va? Ünïcödé ñ 한국어 👩🏽‍🚀";

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "mistral", "phi3", "qwen3"})
  void encodesPromptsExactlyAsTransformers(String model) {
    Path dir = TestFiles.resource("models/" + model);
    JsonNode expected = TestFiles.readJson(dir.resolve("expected.json"));
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      for (JsonNode prompt : expected.get("prompts")) {
        int i = prompt.get("index").asInt();
        int[] ids = tokenizer.encode(prompt.get("text").asText(), prompt.get("add_special_tokens").asBoolean());
        int[] reference = TestFiles.readI64(dir.resolve("expected.safetensors"), "p" + i + ".input_ids");
        assertArrayEquals(reference, ids, model + " prompt " + i);
        assertEquals(prompt.get("n_tokens").asInt(), ids.length, model + " prompt " + i);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "mistral", "phi3", "qwen3"})
  void decodesGreedyContinuationsExactlyAsTransformers(String model) {
    Path dir = TestFiles.resource("models/" + model);
    JsonNode expected = TestFiles.readJson(dir.resolve("expected.json"));
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      for (JsonNode prompt : expected.get("prompts")) {
        int i = prompt.get("index").asInt();
        int[] greedy = TestFiles.readI64(dir.resolve("expected.safetensors"), "p" + i + ".greedy");
        assertEquals(prompt.get("decoded_greedy").asText(), tokenizer.decode(greedy, true), model + " prompt " + i);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"models/gpt2", "models/llama", "models/phi3", "models/qwen3", "constructed/sentencepiece",
      "constructed/metaspace"})
  void decodeRoundTripsEncode(String dir) {
    try (Tokenizer tokenizer = Tokenizer.load(TestFiles.resource(dir))) {
      for (String text : new String[] {"Hello world", " leading space", MULTILINGUAL, "line\nbreaks\n\n\ttabs"}) {
        if (dir.endsWith("metaspace") && text.startsWith(" ")) {
          continue; // Metaspace with prepend_scheme "first" folds a leading space into its own prefix: lossy by design
        }
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, false), false), dir);
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, true), true), dir);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"models/llama", "models/qwen3", "constructed/sentencepiece"})
  void neverTruncates(String dir) {
    String text = "The lighthouse keeper counted the waves again, one by one. ".repeat(60);
    try (Tokenizer tokenizer = Tokenizer.load(TestFiles.resource(dir))) {
      int[] ids = tokenizer.encode(text, true);
      assertTrue(ids.length > 1024, "expected well over 512 tokens, got " + ids.length);
      assertEquals(text, tokenizer.decode(ids, true));
      assertEquals(ids.length, tokenizer.encode(text, true).length);
    }
  }

  @Test
  void specialTokensComeFromTheConfig() {
    try (Tokenizer llama = Tokenizer.load(TestFiles.resource("models/llama"))) {
      assertEquals("<s>", llama.bosToken().orElseThrow());
      assertEquals("</s>", llama.eosToken().orElseThrow());
      assertEquals(OptionalInt.of(0), llama.bosTokenId());
      assertEquals(Set.of(1), llama.eosTokenIds());
      int[] ids = llama.encode("Hello", true);
      assertEquals(0, ids[0], "the post-processor adds BOS");
      assertArrayEquals(Arrays.copyOfRange(ids, 1, ids.length), llama.encode("Hello", false));
      assertEquals("<s>Hello", llama.decode(ids, false));
      assertEquals("Hello", llama.decode(ids, true));
    }
    try (Tokenizer gpt2 = Tokenizer.load(TestFiles.resource("models/gpt2/tokenizer.json"))) {
      assertTrue(gpt2.bosToken().isEmpty(), "bos_token is null in the config");
      assertTrue(gpt2.bosTokenId().isEmpty());
      assertEquals(Set.of(0), gpt2.eosTokenIds());
      assertTrue(gpt2.chatTemplate().isEmpty());
    }
    try (Tokenizer qwen = Tokenizer.load(TestFiles.resource("models/qwen3"))) {
      int[] ids = qwen.encode("<|im_start|>user\nHi<|im_end|>", false);
      assertEquals(1, ids[0]);
      assertEquals(2, ids[ids.length - 1]);
      assertEquals("user\nHi", qwen.decode(ids, true));
      assertEquals(Set.of(0, 1, 2), qwen.specialTokenIds());
    }
  }

  @Test
  void specialTokensInTheAddedTokenObjectForm() {
    try (Tokenizer sp = Tokenizer.load(TestFiles.resource("constructed/sentencepiece"))) {
      assertEquals("<s>", sp.bosToken().orElseThrow());
      assertEquals(OptionalInt.of(1), sp.bosTokenId());
      assertEquals(Set.of(2), sp.eosTokenIds());
    }
  }

  @Test
  void specialTokensListedInTheConfig(@TempDir Path dir) throws IOException {
    Files.copy(TestFiles.resource("models/qwen3/tokenizer.json"), dir.resolve("tokenizer.json"));
    String[] tokens = new String[4];
    try (Tokenizer plain = Tokenizer.load(dir)) {
      for (int i = 0; i < 4; i++) {
        tokens[i] = plain.token(100 + i).orElseThrow();
      }
      assertEquals(Set.of(0, 1, 2), plain.specialTokenIds(), "only tokenizer.json's flags without a config");
    }
    Map<String, Object> config = Map.of(
        "eos_token", Map.of("content", "<|im_end|>", "special", true),
        "additional_special_tokens", List.of(tokens[0], Map.of("content", tokens[1])),
        "added_tokens_decoder", Map.of(
            "102", Map.of("content", tokens[2], "special", true),
            "103", Map.of("content", tokens[3], "special", false)));
    Files.writeString(dir.resolve("tokenizer_config.json"), TestFiles.JSON.writeValueAsString(config));
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertEquals(Set.of(0, 1, 2, 100, 101, 102), t.specialTokenIds());
      assertEquals(Set.of(2), t.eosTokenIds());
    }
  }

  @Test
  void closingWhileOtherThreadsEncodeNeverTouchesAFreedTokenizer() throws Exception {
    Tokenizer tokenizer = Tokenizer.load(TestFiles.resource("models/gpt2"));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        workers.add(pool.submit(() -> {
          int done = 0;
          try {
            while (true) {
              tokenizer.decode(tokenizer.encode(MULTILINGUAL, true), true);
              done++;
            }
          } catch (IllegalStateException closed) {
            return done;
          }
        }));
      }
      Thread.sleep(50);
      tokenizer.close();
      for (Future<Integer> w : workers) {
        assertTrue(w.get(10, TimeUnit.SECONDS) >= 0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void looksUpTokensAndIds() {
    try (Tokenizer qwen = Tokenizer.load(TestFiles.resource("models/qwen3"))) {
      assertEquals(512, qwen.vocabSize());
      int[] ids = qwen.encode("Hello world", false);
      StringBuilder joined = new StringBuilder();
      for (int id : ids) {
        String token = qwen.token(id).orElseThrow();
        assertEquals(OptionalInt.of(id), qwen.tokenId(token));
        joined.append(token);
      }
      assertEquals("HelloĠworld", joined.toString(), "byte-level spelling: space is Ġ");
      assertEquals("<|im_end|>", qwen.token(2).orElseThrow());
      assertEquals(OptionalInt.of(1), qwen.tokenId("<|im_start|>"));
      assertTrue(qwen.tokenId("no such token").isEmpty());
      assertTrue(qwen.token(-1).isEmpty());
      assertTrue(qwen.token(512).isEmpty());
    }
  }

  @Test
  void readsChatTemplates() throws IOException {
    try (Tokenizer llama = Tokenizer.load(TestFiles.resource("models/llama"))) {
      String fromConfig = TestFiles.readJson(TestFiles.resource("models/llama/tokenizer_config.json"))
          .get("chat_template").asText();
      assertEquals(fromConfig, llama.chatTemplate().orElseThrow());
      assertTrue(llama.namedChatTemplates().isEmpty());
    }
    try (Tokenizer sp = Tokenizer.load(TestFiles.resource("constructed/sentencepiece"))) {
      Map<String, String> named = sp.namedChatTemplates();
      assertEquals(Set.of("default", "rag"), named.keySet());
      assertEquals(named.get("default"), sp.chatTemplate().orElseThrow());
      assertEquals("{{ documents | length }}", named.get("rag"));
    }
  }

  @Test
  void chatTemplateFilesBesideTheTokenizerTakePrecedence(@TempDir Path dir) throws IOException {
    Files.copy(TestFiles.resource("models/llama/tokenizer.json"), dir.resolve("tokenizer.json"));
    Files.copy(TestFiles.resource("models/llama/tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"from json {{ messages }}\"}");
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertEquals("from json {{ messages }}", t.chatTemplate().orElseThrow());
    }
    Files.writeString(dir.resolve("chat_template.jinja"), "from jinja ✓\n", StandardCharsets.UTF_8);
    Files.createDirectory(dir.resolve("additional_chat_templates"));
    Files.writeString(dir.resolve("additional_chat_templates/tool_use.jinja"), "tools {{ tools }}");
    try (Tokenizer t = Tokenizer.load(dir.resolve("tokenizer.json"))) {
      assertEquals("from jinja ✓\n", t.chatTemplate().orElseThrow());
      assertEquals(Map.of("default", "from jinja ✓\n", "tool_use", "tools {{ tools }}"), t.namedChatTemplates());
    }
  }

  @Test
  void missingFilesAreNamed(@TempDir Path dir) {
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()), e.getMessage());
    assertEquals(dir.resolve("tokenizer.json"), e.file().orElseThrow());
  }

  @Test
  void malformedJsonIsReportedWithLineAndColumn(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), "{\n  \"version\": \"1.0\",\n  \"model\": {\"vocab\": [1, }\n}\n");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3, column"), e.getMessage());

    Files.copy(TestFiles.resource("models/llama/tokenizer.json"), dir.resolve("tokenizer.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\",\n\"eos_token\" \"</s>\"}");
    e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    assertTrue(e.getMessage().contains("line 2, column"), e.getMessage());

    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": 7}");
    e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("eos_token"), e.getMessage());
  }

  /**
   * The vocabulary is read from a stream, skipping the merges and the rest: every id and token must
   * be what a tree of the whole file says (model.vocab, then added_tokens over it).
   */
  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "mistral", "phi3", "qwen3"})
  void theStreamedVocabularyIsTheWholeFilesTree(String model) throws IOException {
    Path file = TestFiles.resource("models/" + model + "/tokenizer.json");
    JsonNode root = dev.persona4j.internal.Json.mapper().readTree(file.toFile());
    Map<String, Integer> expected = new java.util.LinkedHashMap<>();
    root.path("model").path("vocab").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asInt()));
    Set<Integer> special = new java.util.LinkedHashSet<>();
    for (JsonNode t : root.path("added_tokens")) {
      expected.put(t.get("content").asText(), t.get("id").asInt());
      if (t.path("special").asBoolean(false)) {
        special.add(t.get("id").asInt());
      }
    }
    assertTrue(expected.size() > 100, model + " has a vocabulary");
    Tokenizer.Vocabulary v = Tokenizer.Vocabulary.read(file, Files.readAllBytes(file));
    assertEquals(expected, v.idsByToken, model);
    assertEquals(List.copyOf(expected.entrySet()), List.copyOf(v.idsByToken.entrySet()), model + ": the same order");
    assertEquals(special, v.specialIds, model);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      if (!e.getKey().equals(v.tokensById[e.getValue()])) {
        // only where an added token took a model piece's id
        assertTrue(special.contains(e.getValue()) || expected.containsKey(v.tokensById[e.getValue()]), model + " id " + e.getValue());
      }
    }
  }

  @Test
  void faultsInTheSkippedPartsAndBadIdsAreStillReported(@TempDir Path dir) throws IOException {
    // a syntax error inside the merges, which the vocabulary's reader skips over
    assertRefused(dir, "{\"model\": {\"type\": \"BPE\",\n \"vocab\": {\"a\": 0, \"b\": 1},\n \"merges\": [\"a b\", ]}}",
        "malformed JSON at line 3, column");
    assertRefused(dir, "{\"model\": {\"vocab\": {\"a\": 0, \"b\": \"one\"}}}", "model.vocab[\"b\"] is not a token id: \"one\"");
    assertRefused(dir, "{\"model\": {\"vocab\": {\"a\": 0, \"b\": -4}}}", "model.vocab[\"b\"] is not a token id: -4");
    assertRefused(dir, "{\"model\": {\"vocab\": {\"a\": 0, \"a\": 1}}}", "malformed JSON at line 1, column 33: Duplicate field 'a'");
    assertRefused(dir, "{\"model\": {\"type\": \"BPE\", \"vocab\": 7}}", "model.vocab is missing or neither an object nor a list");
    assertRefused(dir, "", "empty file");
  }

  /** Tokenizer.load refuses {@code json} as dir's tokenizer.json, naming the file and saying {@code what}. */
  private static void assertRefused(Path dir, String json, String what) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), json);
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains(what) && e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void jsonThatIsNotATokenizerIsRejected(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    Files.writeString(dir.resolve("tokenizer.json"), "[]");
    e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("model.vocab"), e.getMessage());
  }

  @Test
  void badArgumentsAreRejected() {
    Tokenizer tokenizer = Tokenizer.load(TestFiles.resource("models/gpt2"));
    TokenizerException e = assertThrows(TokenizerException.class, () -> tokenizer.decode(new int[] {5, 512}, false));
    assertTrue(e.getMessage().contains("512") && e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertThrows(TokenizerException.class, () -> tokenizer.decode(new int[] {-3}, false));
    assertThrows(IllegalArgumentException.class, () -> tokenizer.encode(null, true));
    assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(null, true));
    assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(null));
    assertEquals("", tokenizer.decode(new int[0], false));
    assertEquals(0, tokenizer.encode("", false).length);
    tokenizer.close();
    tokenizer.close();
    assertThrows(IllegalStateException.class, () -> tokenizer.encode("x", false));
    assertFalse(tokenizer.toString().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen3"})
  void fromJsonTextsIsTheTokenizerTheFilesGive(String model) throws IOException {
    Path dir = TestFiles.resource("models/" + model);
    Path source = dir.resolve("model.gguf");
    try (Tokenizer loaded = Tokenizer.load(dir);
        Tokenizer made = Tokenizer.fromJson(source, Files.readString(dir.resolve("tokenizer.json")),
            Files.readString(dir.resolve("tokenizer_config.json")))) {
      String text = "<|im_start|>Hello world, it's 2024!<|im_end|> <s>";
      assertArrayEquals(loaded.encode(text, true), made.encode(text, true));
      assertEquals(loaded.bosTokenId(), made.bosTokenId());
      assertEquals(loaded.eosTokenIds(), made.eosTokenIds());
      assertEquals(loaded.specialTokenIds(), made.specialTokenIds());
      assertEquals(loaded.chatTemplate(), made.chatTemplate());
      assertEquals(source, made.file());
    }
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.fromJson(source, "{", null));
    assertTrue(e.getMessage().contains("model.gguf"), e.getMessage());
  }
}
