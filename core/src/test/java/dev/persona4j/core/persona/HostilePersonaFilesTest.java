package dev.persona4j.core.persona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persona files and cards past the size limit, or not regular files, fail before anything is parsed. */
class HostilePersonaFilesTest {
  @TempDir Path tmp;

  /** Once 2+ minutes and 1.4 GB before anything was rejected. */
  @Test
  void aTwentyMegabyteScalarIsRejectedBeforeParsing() throws IOException {
    Path file = tmp.resolve("huge.yaml");
    Files.writeString(file, "schema: persona4j/v1\nname: Nell\ndescription: " + "a".repeat(20 << 20) + "\n");
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(file));
    assertEquals(file.toString(), e.source());
    assertTrue(e.problem().contains("limit of 2,097,152 bytes") && e.problem().contains(PersonaFiles.PERSONA_LIMIT),
        e.getMessage());
    PersonaFormatException card = assertThrows(PersonaFormatException.class, () -> CharacterCards.read(file));
    assertTrue(card.problem().contains("limit"), card.getMessage());
    assertTrue(assertThrows(PersonaFormatException.class,
        () -> PersonaFiles.parse(Files.readString(file), PersonaFiles.Format.YAML, "huge")).problem().contains("limit"));
  }

  @Test
  void theLimitIsASystemProperty() throws IOException {
    Path file = tmp.resolve("nell.yaml");
    Files.writeString(file, "schema: persona4j/v1\nname: Nell\ndescription: " + "a".repeat(4000) + "\n");
    assertEquals("Nell", PersonaFiles.load(file).name());
    System.setProperty(PersonaFiles.PERSONA_LIMIT, "2K");
    try {
      assertTrue(assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(file)).problem()
          .contains("limit of 2,048 bytes"));
    } finally {
      System.clearProperty(PersonaFiles.PERSONA_LIMIT);
    }
  }

  /** SnakeYAML scans one long line in quadratic time (2 MB: 15.7 s): YAML lines are bounded, JSON is not. */
  @Test
  void aLongYamlLineIsRejectedAndLongTextOnManyLinesParses() throws IOException {
    Path file = tmp.resolve("line.yaml");
    Files.writeString(file, "schema: persona4j/v1\nname: Nell\ndescription: " + "a".repeat(1_000_000) + "\n");
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(file));
    assertEquals(java.util.OptionalInt.of(3), e.line(), e.getMessage());
    assertTrue(e.problem().contains("limit of 65,536") && e.problem().contains("yamlLineChars"), e.getMessage());
    String text = ("word ".repeat(20) + "\n").repeat(5_000);
    Path lines = tmp.resolve("lines.yaml");
    Files.writeString(lines, "schema: persona4j/v1\nname: Nell\ndescription: |\n"
        + text.lines().map(l -> "  " + l + "\n").collect(java.util.stream.Collectors.joining()));
    assertEquals(text, PersonaFiles.load(lines).description());
    Path json = tmp.resolve("line.json");
    Files.writeString(json, "{\"schema\": \"persona4j/v1\", \"name\": \"Nell\", \"description\": \""
        + "a".repeat(1_000_000) + "\"}");
    assertEquals(1_000_000, PersonaFiles.load(json).description().length());
  }

  @Test
  void aFifoOrADirectoryIsNotReadAsAPersona() throws Exception {
    Path dir = tmp.resolve("dir.yaml");
    Files.createDirectory(dir);
    assertTrue(assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(dir)).problem()
        .contains("not a regular file"));
    Path fifo = tmp.resolve("fifo.yaml");
    assumeTrue(mkfifo(fifo), "mkfifo is not available here");
    assertTrue(assertThrows(PersonaFormatException.class, () -> PersonaFiles.load(fifo)).problem()
        .contains("not a regular file"));
    assertTrue(assertThrows(PersonaFormatException.class, () -> CharacterCards.read(fifo)).problem()
        .contains("not a regular file"));
  }

  /** Makes a named pipe (POSIX); false where there is no mkfifo. */
  static boolean mkfifo(Path at) {
    try {
      return new ProcessBuilder("mkfifo", at.toString()).inheritIO().start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
