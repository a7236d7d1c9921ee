package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo tokenizer, trained on the real corpus and read back by the Hugging Face library. */
class TokenizerBuilderTest {
  private static final List<String> UNICODE_SAMPLES = List.of(
      "Café crème, naïve façade, Ångström, ß, Œuvre.",
      "日本語のテキストと中文字符，还有한국어.",
      "Emoji: 🌱🚀⚓🔍 and a family 👩‍👩‍👧 and flags 🇬🇧🇯🇵.",
      "Combining: e\u0301, a\u0308, Zalgo z\u0336\u0337a\u0338.",
      "RTL: שלום עולם, مرحبا بالعالم.",
      "Tabs\tand\nnew\r\nlines,   several   spaces,  trailing  ",
      "  leading spaces and \u00a0no-break\u2003em space\u200bzero-width",
      "Math ∑∫√∞ ≠ ≤ and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈.",
      "Quotes \u2018single\u2019 \u201cdouble\u201d \u2014 dashes \u2013 and \u2026",
      "",
      "x",
      "<|im_start|> is special but <|im_startle|> is not.");

  @TempDir
  static Path dir;
  private static ByteLevelBpe bpe;

  @BeforeAll
  static void train() {
    bpe = TokenizerBuilder.forCorpus(CorpusFixture.defaultCorpus(), CorpusFixture.allDefinitions(),
        TokenizerBuilder.DEFAULT_VOCABULARY_SIZE);
    bpe.write(dir);
  }

  @Test
  void huggingFaceLoadsItAndAgreesOnEveryCorpusTextAndDefinition() throws Exception {
    // Every distinct text once (about 25,000): the ids must match the Java encoder exactly.
    List<String> texts = new ArrayList<>(
        new LinkedHashSet<>(CorpusFixture.defaultCorpus().dialogueTexts()));
    texts.addAll(CorpusFixture.allDefinitions());
    try (HuggingFaceTokenizer hf = load()) {
      for (String text : texts) {
        long[] ids = hf.encode(text, false, false).getIds();
        assertArrayEquals(toLong(bpe.encode(text)), ids, text);
        assertEquals(text, hf.decode(ids, false), "round trip");
      }
    }
  }

  @Test
  void arbitraryUnicodeRoundTripsExactly() throws Exception {
    try (HuggingFaceTokenizer hf = load()) {
      for (String text : UNICODE_SAMPLES) {
        long[] ids = hf.encode(text, false, false).getIds();
        assertEquals(text, hf.decode(ids, false), "HF round trip of " + text);
        assertEquals(text, bpe.decode(bpe.encode(text)), "Java round trip of " + text);
        assertArrayEquals(toLong(bpe.encode(text)), ids, "ids of " + text);
      }
    }
  }

  @Test
  void chatmlSpecialTokensAreSingleIds() throws Exception {
    String prompt = "<|im_start|>system\nYou are Mara.<|im_end|>\n<|im_start|>user\nAhoy!"
        + "<|im_end|>\n<|im_start|>assistant\n";
    try (HuggingFaceTokenizer hf = load()) {
      long[] ids = hf.encode(prompt, false, false).getIds();
      assertEquals(1, ids[0]);
      assertEquals(3, count(ids, 1), "im_start");
      assertEquals(2, count(ids, 2), "im_end");
      assertEquals(prompt, hf.decode(ids, false));
      assertEquals("system\nYou are Mara.\nuser\nAhoy!\nassistant\n", hf.decode(ids, true));
      assertArrayEquals(toLong(bpe.encode(prompt)), ids);
    }
    assertEquals(0, bpe.tokenId("<|endoftext|>").getAsInt());
    assertEquals(2, bpe.tokenId("<|im_end|>").getAsInt());
  }

  @Test
  void filesDescribeAThreeThousandTokenChatmlTokenizer() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode tokenizer = json.readTree(dir.resolve("tokenizer.json").toFile());
    assertEquals("BPE", tokenizer.at("/model/type").asText());
    assertEquals("ByteLevel", tokenizer.at("/pre_tokenizer/type").asText());
    assertEquals("ByteLevel", tokenizer.at("/decoder/type").asText());
    JsonNode vocab = tokenizer.at("/model/vocab");
    assertEquals(TokenizerBuilder.DEFAULT_VOCABULARY_SIZE, vocab.size());
    boolean[] seen = new boolean[vocab.size()];
    vocab.fields().forEachRemaining(e -> seen[e.getValue().asInt()] = true);
    for (int i = 0; i < seen.length; i++) {
      assertTrue(seen[i], "vocabulary id " + i + " missing");
    }
    assertEquals(vocab.size() - ByteLevelBpe.FIRST_MERGE_ID, tokenizer.at("/model/merges").size());
    assertEquals(3, tokenizer.get("added_tokens").size());
    JsonNode config = json.readTree(dir.resolve("tokenizer_config.json").toFile());
    assertEquals("<|im_end|>", config.get("eos_token").asText());
    assertEquals("<|endoftext|>", config.get("pad_token").asText());
    assertEquals("<|endoftext|>", config.get("bos_token").asText());
    assertEquals(false, config.get("add_bos_token").asBoolean());
    assertEquals(ByteLevelBpe.CHATML_TEMPLATE, config.get("chat_template").asText());
  }

  @Test
  void mergesCompressTheCorpus() {
    Corpus corpus = CorpusFixture.defaultCorpus();
    long tokens = 0;
    long bytes = 0;
    for (CorpusExample e : corpus.examples()) {
      tokens += bpe.encode(e.reply()).length;
      bytes += e.reply().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
    double perReply = tokens / (double) corpus.examples().size();
    assertTrue(perReply < 45, "tokens per reply " + perReply);
    assertTrue(bytes / (double) tokens > 3.5, "bytes per token " + bytes / (double) tokens);
    // Frequent words of the voices became single tokens.
    for (String word : List.of("Aye", " the", " sailor", " stellar", " kid", " specimen")) {
      assertEquals(1, bpe.encode(word).length, word);
    }
  }

  @Test
  void trainingIsDeterministic(@TempDir Path other) throws Exception {
    TokenizerBuilder a = TokenizerBuilder.withVocabularySize(600);
    TokenizerBuilder b = TokenizerBuilder.withVocabularySize(600);
    for (String text : CorpusFixture.defaultCorpus().dialogueTexts().subList(0, 4000)) {
      a.add(text);
      b.add(text);
    }
    ByteLevelBpe first = a.build();
    first.write(other);
    assertEquals(600, first.vocabularySize());
    assertEquals(Files.readString(other.resolve("tokenizer.json")), b.build().tokenizerJson());
    assertThrows(IllegalArgumentException.class, () -> TokenizerBuilder.withVocabularySize(258));
    assertThrows(IllegalArgumentException.class, () -> first.decode(new int[] {600}));
  }

  private static HuggingFaceTokenizer load() throws Exception {
    return HuggingFaceTokenizer.newInstance(dir, Map.of("truncation", "false"));
  }

  private static long[] toLong(int[] ids) {
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = ids[i];
    }
    return out;
  }

  private static int count(long[] ids, long id) {
    int n = 0;
    for (long x : ids) {
      if (x == id) {
        n++;
      }
    }
    return n;
  }
}
