package dev.persona4j.core.backend;

/** A token id is negative or not below the vocabulary size. */
public class TokenOutOfRangeException extends BackendException {
  private final int tokenId;
  private final int vocabSize;

  public TokenOutOfRangeException(int tokenId, int vocabSize, String where) {
    super("token id " + tokenId + " is outside the vocabulary of " + vocabSize + " (" + where + ")");
    this.tokenId = tokenId;
    this.vocabSize = vocabSize;
  }

  public int tokenId() {
    return tokenId;
  }

  public int vocabSize() {
    return vocabSize;
  }
}
