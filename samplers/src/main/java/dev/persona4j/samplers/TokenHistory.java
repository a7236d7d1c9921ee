package dev.persona4j.samplers;

import java.util.Arrays;

/**
 * The tokens of one sequence so far (prompt and generated), oldest first: what penalties and
 * no-repeat rules look at. Append-only and confined to the thread that samples the sequence.
 */
final class TokenHistory {
  private int[] tokens;
  private int size;

  TokenHistory() {
    this.tokens = new int[64];
  }

  /** A history holding {@code tokens}, oldest first. */
  public static TokenHistory of(int... tokens) {
    TokenHistory h = new TokenHistory();
    h.appendAll(tokens);
    return h;
  }

  public void append(int token) {
    if (token < 0) {
      throw new IllegalArgumentException("token id " + token + " is negative");
    }
    if (size == tokens.length) {
      tokens = Arrays.copyOf(tokens, size * 2);
    }
    tokens[size++] = token;
  }

  public void appendAll(int... newTokens) {
    for (int t : newTokens) {
      append(t);
    }
  }

  public int size() {
    return size;
  }

  /** The token at position {@code i}, 0 = oldest. */
  public int get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("position " + i + " of a history of " + size + " tokens");
    }
    return tokens[i];
  }

  /** A copy of all tokens, oldest first. */
  public int[] toArray() {
    return Arrays.copyOf(tokens, size);
  }

  /** A copy of the last {@code n} tokens (fewer when the history is shorter), oldest first. */
  public int[] last(int n) {
    int from = Math.max(0, size - Math.max(0, n));
    return Arrays.copyOfRange(tokens, from, size);
  }

  @Override
  public String toString() {
    return "TokenHistory" + Arrays.toString(toArray());
  }
}
