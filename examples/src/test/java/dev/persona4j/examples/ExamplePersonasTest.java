package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.persona.CharacterCards;
import dev.persona4j.core.persona.ExampleDialogue;
import dev.persona4j.core.persona.Lorebook;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.Trait;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example personas under {@code examples/personas/} load as persona files, are written richly enough
 * to hold a character steady, and survive every format the library writes.
 */
class ExamplePersonasTest {
  static final Path PERSONAS = Path.of("personas");

  static Stream<Path> personaFiles() throws IOException {
    try (Stream<Path> files = Files.list(PERSONAS)) {
      return files.filter(Files::isRegularFile).sorted().toList().stream();
    }
  }

  @Test
  void thereAreAtLeastFourExamplePersonas() throws IOException {
    List<Path> files = personaFiles().toList();
    assertTrue(files.size() >= 4, "example personas: " + files);
    assertEquals(files.size(), files.stream().map(f -> PersonaFiles.load(f).name()).distinct().count(),
        "each example is a different character");
  }

  @ParameterizedTest
  @MethodSource("personaFiles")
  void isWrittenRichly(Path file) {
    Persona p = PersonaFiles.load(file);
    assertFalse(p.identity().isBlank(), file + ": identity");
    assertFalse(p.description().isBlank(), file + ": description");
    assertTrue(p.traits().size() >= 3, file + ": traits " + p.traits().size());
    for (Trait t : p.traits()) {
      assertFalse(t.definition().isBlank(), file + ": trait " + t.name() + " has no definition");
      assertFalse(t.examples().isEmpty(), file + ": trait " + t.name() + " has no example");
      assertTrue(t.examples().stream().noneMatch(String::isBlank), file + ": trait " + t.name() + " blank example");
    }
    assertFalse(p.voice().style().isBlank(), file + ": voice style");
    assertFalse(p.voice().catchphrases().isEmpty(), file + ": catchphrases");
    assertFalse(p.boundaries().isEmpty(), file + ": boundaries");
    p.boundaries().forEach(b -> assertFalse(b.topic().isBlank() || b.response().isBlank(), file + ": boundary " + b));
    assertTrue(p.exampleDialogues().size() >= 2, file + ": example dialogues " + p.exampleDialogues().size());
    for (ExampleDialogue d : p.exampleDialogues()) {
      assertTrue(d.lines().size() >= 2, file + ": an example dialogue is an exchange, not one line");
    }
    Lorebook lore = p.lorebook().orElseThrow(() -> new AssertionError(file + ": no lorebook"));
    assertTrue(lore.entries().size() >= 2, file + ": lorebook entries " + lore.entries().size());
    lore.entries().forEach(e -> assertFalse(e.keys().isEmpty() || e.content().isBlank(), file + ": lore " + e));
    String self = p.selfKnowledge().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    assertTrue(self.contains("character"), file + ": self-knowledge must say it is a character: " + self);
    assertTrue(self.contains("language model"), file + ": self-knowledge must say what voices it: " + self);
  }

  @ParameterizedTest
  @MethodSource("personaFiles")
  void roundTripsThroughPersonaFiles(Path file) {
    Persona p = PersonaFiles.load(file);
    String yaml = PersonaFiles.toText(p, PersonaFiles.Format.YAML);
    Persona fromYaml = PersonaFiles.parse(yaml, PersonaFiles.Format.YAML, file + " (rewritten)");
    assertEquals(p, fromYaml);
    assertEquals(yaml, PersonaFiles.toText(fromYaml, PersonaFiles.Format.YAML), "writing is stable");
    String json = PersonaFiles.toText(p, PersonaFiles.Format.JSON);
    assertEquals(p, PersonaFiles.parse(json, PersonaFiles.Format.JSON, file + " (as JSON)"));
  }

  @ParameterizedTest
  @MethodSource("personaFiles")
  void roundTripsThroughCharacterCards(Path file) throws IOException {
    Persona p = PersonaFiles.load(file);
    for (CharacterCards.Spec spec : List.of(CharacterCards.Spec.V2, CharacterCards.Spec.V3)) {
      String card = CharacterCards.toJson(p, spec);
      assertTrue(card.contains("\"" + spec.id() + "\""), spec + " card: " + card.substring(0, 80));
      assertEquals(p, CharacterCards.parseJson(card, file + " as " + spec), spec + " card");
    }
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    byte[] cardPng = CharacterCards.toPng(p, png.toByteArray(), "2x2.png");
    assertEquals(p, CharacterCards.fromPng(cardPng, file + " as PNG card"));
  }
}
