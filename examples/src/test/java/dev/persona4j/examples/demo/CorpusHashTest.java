package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the corpus the generator writes for a fixed seed: the committed demo model's tokenizer and
 * training data derive from it, so moving the phrase banks (or anything else) must not change a
 * byte of it.
 */
class CorpusHashTest {
  @Test
  void smallCorpusAtSeedSevenIsByteForByteTheRecordedOne() throws Exception {
    Corpus corpus = CorpusGenerator.of(7, new CorpusGenerator.Sizes(400, 30, 60)).generate();
    assertEquals("dbcdead0c33e6725870577c9f79f1ea5eb3a10a8f441f8b3aed6cc4f58039dca", sha256(corpus));
  }

  @Test
  void defaultCorpusIsByteForByteTheRecordedOne() throws Exception {
    assertEquals("dbeb545c9889c23535cb2d9f2d7d829f233654963f347a12080fabf82860519e", sha256(CorpusFixture.defaultCorpus()));
  }

  /** The JSON lines, then every generated persona definition, as written to disk. */
  static String sha256(Corpus corpus) throws NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (CorpusExample e : corpus.examples()) {
      digest.update((Corpus.toJson(e) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    for (PersonaProfile p : corpus.personas()) {
      p.generatedDefinition().ifPresent(d -> digest.update(d.getBytes(StandardCharsets.UTF_8)));
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
