package dev.persona4j.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.persona4j.core.persona.CharacterCards;
import dev.persona4j.core.persona.PersonaFormatException;

/** Fuzz target: any bytes as a PNG character card. Only {@link PersonaFormatException} may come out. */
class CardPngFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    try {
      CharacterCards.fromPng(data, "fuzz.png");
    } catch (PersonaFormatException e) {
      // the typed error naming the chunk or field at fault
    }
  }
}
