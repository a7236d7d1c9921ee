package dev.persona4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streaming decode on real tokenizers: byte-level BPE, SentencePiece with byte fallback, Metaspace. */
class IncrementalDecoderTest {
  private static final String[] TEXTS = {
    "Hello world, the sea is calm.",
    "Café – naïve résumé, déjà vu 😊 and 12345 numbers.",
    "海は穏やかです。灯台守は言った: 「ようこそ」",
    "Emoji 👩🏽‍🚀🏴‍☠️🇯🇵 and Ünïcödé ñ 한국어 ğ",
    "  two leading spaces, then\nnew lines\n\n and tabs\t!",
  };

  @ParameterizedTest
  @ValueSource(strings = {"models/gpt2", "models/llama", "models/mistral", "models/phi3", "models/qwen3",
      "constructed/sentencepiece", "constructed/metaspace"})
  void piecesAreWholeCharactersAndConcatenateToTheFullDecode(String dir) {
    try (Tokenizer tokenizer = Tokenizer.load(TestFiles.resource(dir))) {
      int held = 0;
      for (String text : TEXTS) {
        for (boolean special : new boolean[] {false, true}) {
          int[] ids = tokenizer.encode(text, special);
          IncrementalDecoder decoder = tokenizer.newIncrementalDecoder(true);
          StringBuilder streamed = new StringBuilder();
          for (int id : ids) {
            String piece = decoder.push(id);
            assertWholeCharacters(piece, dir, text);
            held += piece.isEmpty() ? 1 : 0;
            streamed.append(piece);
          }
          streamed.append(decoder.flush());
          assertEquals(tokenizer.decode(ids, true), streamed.toString(), dir);
          assertEquals(0, decoder.pendingTokens());
        }
      }
      assertTrue(held > 0, "some token ended inside a character and was held back");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"models/qwen3", "constructed/sentencepiece"})
  void specialTokensAreKeptOrSkipped(String dir) {
    try (Tokenizer tokenizer = Tokenizer.load(TestFiles.resource(dir))) {
      String eos = tokenizer.eosToken().orElseThrow();
      int[] ids = tokenizer.encode("Ahoy 😊" + eos + "Hello", false);
      for (boolean skip : new boolean[] {true, false}) {
        IncrementalDecoder decoder = tokenizer.newIncrementalDecoder(skip);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
          streamed.append(decoder.push(id));
        }
        streamed.append(decoder.flush());
        assertEquals(tokenizer.decode(ids, skip), streamed.toString());
        assertEquals(!skip, streamed.toString().contains(eos));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"constructed/sentencepiece", "constructed/metaspace"})
  void wordBoundariesKeepTheirSpaceWhenStreamed(String dir) {
    try (Tokenizer tokenizer = Tokenizer.load(TestFiles.resource(dir))) {
      int[] ids = tokenizer.encode("Hello world the sea", false);
      // Decoded alone, "▁world" loses its space (the decoder strips a leading one): the window must not.
      assertEquals("world", tokenizer.decode(new int[] {ids[1]}, false));
      IncrementalDecoder decoder = tokenizer.newIncrementalDecoder(false);
      List<String> pieces = new ArrayList<>();
      for (int id : ids) {
        pieces.add(decoder.push(id));
      }
      assertEquals(List.of("Hello", " world", " the", " sea"), pieces);
      assertEquals("", decoder.flush());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"models/gpt2", "constructed/sentencepiece"})
  void anIncompleteCharacterIsHeldUntilFlush(String dir) {
    try (Tokenizer tokenizer = Tokenizer.load(TestFiles.resource(dir))) {
      int[] ids = tokenizer.encode("ok 😊", false);
      IncrementalDecoder decoder = tokenizer.newIncrementalDecoder(false);
      StringBuilder streamed = new StringBuilder();
      for (int i = 0; i < ids.length - 1; i++) { // the emoji's last byte never arrives
        streamed.append(decoder.push(ids[i]));
      }
      assertEquals("ok", streamed.toString().stripTrailing());
      assertTrue(decoder.pendingTokens() > 0);
      String rest = decoder.flush();
      assertTrue(rest.endsWith("\uFFFD"), "a cut-off character shows as U+FFFD, as in a full decode: " + rest);
      assertEquals(tokenizer.decode(java.util.Arrays.copyOf(ids, ids.length - 1), false), streamed + rest);
      assertEquals("", decoder.flush());
      // Still usable after a flush.
      assertEquals("!", decoder.push(tokenizer.tokenId("!").orElseThrow()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"models/gpt2"})
  void unknownIdsAreRejectedWithoutChangingState(String dir) {
    try (Tokenizer tokenizer = Tokenizer.load(TestFiles.resource(dir))) {
      IncrementalDecoder decoder = tokenizer.newIncrementalDecoder(false);
      int[] ids = tokenizer.encode("Hi there", false);
      StringBuilder streamed = new StringBuilder(decoder.push(ids[0]));
      TokenizerException e = assertThrows(TokenizerException.class, () -> decoder.push(tokenizer.vocabSize()));
      assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
      assertThrows(TokenizerException.class, () -> decoder.push(-1));
      for (int i = 1; i < ids.length; i++) {
        streamed.append(decoder.push(ids[i]));
      }
      assertEquals("Hi there", streamed + decoder.flush());
    }
  }

  private static void assertWholeCharacters(String piece, String dir, String text) {
    assertFalse(piece.indexOf('\uFFFD') >= 0, dir + ": half a character emitted for " + text + ": " + piece);
    for (int i = 0; i < piece.length(); i++) {
      char c = piece.charAt(i);
      if (Character.isHighSurrogate(c)) {
        assertTrue(i + 1 < piece.length() && Character.isLowSurrogate(piece.charAt(i + 1)), "split surrogate pair");
        i++;
      } else {
        assertFalse(Character.isLowSurrogate(c), "split surrogate pair");
      }
    }
  }
}
