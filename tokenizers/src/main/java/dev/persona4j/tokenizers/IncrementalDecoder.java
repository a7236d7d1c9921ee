package dev.persona4j.tokenizers;

import java.util.Arrays;

/**
 * Turns generated token ids, pushed one at a time, into text as soon as it is complete.
 *
 * <p>A byte-level token may hold part of a multi-byte UTF-8 character, and SentencePiece-style (Metaspace)
 * tokenizers decide a token's leading space from its neighbours, so decoding each token alone is wrong.
 * This decoder follows text-generation-inference: it decodes a window made of the tokens already emitted
 * since the previous step plus the new ones, emits the part of that text beyond the previous window's text,
 * and holds everything back while the text ends in U+FFFD (an incomplete character). The concatenation of
 * every {@link #push} and the final {@link #flush} equals {@link Tokenizer#decode(int[], boolean)} of all
 * pushed ids.
 *
 * <p>One decoder serves one sequence on one thread.
 */
public final class IncrementalDecoder {
  private static final char REPLACEMENT = '\uFFFD';

  private final Tokenizer tokenizer;
  private final boolean skipSpecialTokens;
  private int[] ids = new int[64];
  private int size;
  /** Start of the window: the first token of the previous emission. */
  private int prefixOffset;
  /** End of the text already emitted. */
  private int readOffset;

  IncrementalDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
    this.tokenizer = tokenizer;
    this.skipSpecialTokens = skipSpecialTokens;
  }

  /**
   * Adds one token and returns the text that became complete with it: possibly empty (the token ends
   * inside a character, or decodes to nothing), possibly several characters.
   *
   * @throws TokenizerException when the id is not in the vocabulary (the decoder state is unchanged)
   */
  public String push(int tokenId) {
    if (tokenId < 0 || tokenId >= tokenizer.vocabSize() || tokenizer.token(tokenId).isEmpty()) {
      throw new TokenizerException(tokenizer.file(),
          "token id " + tokenId + " is not in the vocabulary of " + tokenizer.vocabSize() + " ids");
    }
    append(tokenId);
    String prefixText = tokenizer.decode(ids, prefixOffset, readOffset, skipSpecialTokens);
    String newText = tokenizer.decode(ids, prefixOffset, size, skipSpecialTokens);
    if (newText.length() > prefixText.length() && newText.charAt(newText.length() - 1) != REPLACEMENT) {
      advance();
      return newText.substring(prefixText.length());
    }
    return "";
  }

  /**
   * Returns whatever is still held back (text ending in an incomplete character comes out as U+FFFD, the
   * way a full decode shows it) and starts a new window; the decoder stays usable.
   */
  public String flush() {
    if (readOffset == size) {
      return "";
    }
    String prefixText = tokenizer.decode(ids, prefixOffset, readOffset, skipSpecialTokens);
    String newText = tokenizer.decode(ids, prefixOffset, size, skipSpecialTokens);
    advance();
    return newText.length() > prefixText.length() ? newText.substring(prefixText.length()) : "";
  }

  /** Tokens pushed but not yet turned into text. */
  public int pendingTokens() {
    return size - readOffset;
  }

  private void advance() {
    prefixOffset = readOffset;
    readOffset = size;
    if (prefixOffset > ids.length / 2) { // drop what no window will read again
      System.arraycopy(ids, prefixOffset, ids, 0, size - prefixOffset);
      size -= prefixOffset;
      readOffset -= prefixOffset;
      prefixOffset = 0;
    }
  }

  private void append(int id) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = id;
  }
}
