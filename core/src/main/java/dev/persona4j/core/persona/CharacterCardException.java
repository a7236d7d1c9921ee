package dev.persona4j.core.persona;

/**
 * A character card that cannot be read or written: a PNG without a card chunk, a chunk that is not
 * base64 of UTF-8 JSON, JSON that is not a card, or a card field of the wrong type.
 */
public class CharacterCardException extends PersonaFormatException {
  public CharacterCardException(String source, String fieldPath, int line, int column, String problem) {
    super(source, fieldPath, line, column, problem);
  }

  public CharacterCardException(
      String source, String fieldPath, int line, int column, String problem, Throwable cause) {
    super(source, fieldPath, line, column, problem, cause);
  }
}
