package dev.persona4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.persona4j.core.checkpoint.SafetensorsWriter;
import dev.persona4j.core.persona.CharacterCards;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's writers replace their target atomically through a temporary sibling; the result must
 * still have the mode any new file gets (0666 less the umask), not a temporary file's owner-only 0600.
 */
class WrittenFileModeTest {
  @TempDir Path dir;

  /** The mode of a file created the ordinary way in {@code dir}: what the umask allows. */
  static Set<PosixFilePermission> ordinaryMode(Path dir) throws IOException {
    Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX only");
    Path reference = Files.writeString(dir.resolve("reference.txt"), "x");
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(reference);
    Files.delete(reference);
    Assumptions.assumeFalse(mode.equals(PosixFilePermissions.fromString("rw-------")),
        "the umask makes every file owner-only: the test could not tell a temporary file's mode apart");
    return mode;
  }

  @Test
  void safetensorsPersonaAndCardFilesGetTheUsualMode() throws IOException {
    Set<PosixFilePermission> expected = ordinaryMode(dir);
    Path tensors = dir.resolve("t.safetensors");
    new SafetensorsWriter().putF32("w", new long[] {2}, new float[] {1f, 2f}).write(tensors);
    Persona persona = Persona.builder().name("Mara").description("A ship's captain.").build();
    Path yaml = dir.resolve("mara.yaml");
    PersonaFiles.write(persona, yaml);
    Path card = dir.resolve("mara.card.json");
    CharacterCards.writeJson(persona, CharacterCards.Spec.V2, card);
    for (Path file : new Path[] {tensors, yaml, card}) {
      assertEquals(PosixFilePermissions.toString(expected),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
    }
  }
}
