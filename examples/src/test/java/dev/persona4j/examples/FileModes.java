package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/** Files the commands write have the mode any new file gets (0666 less the umask), not 0600. */
final class FileModes {
  private FileModes() {}

  /** Asserts on POSIX that each file has the mode of a file created the ordinary way beside it. */
  static void assertOrdinaryMode(Path... files) {
    Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX only");
    try {
      for (Path file : files) {
        Path reference = Files.writeString(file.resolveSibling("mode-reference.txt"), "x");
        String expected = PosixFilePermissions.toString(Files.getPosixFilePermissions(reference));
        Files.delete(reference);
        Assumptions.assumeFalse(expected.equals("rw-------"), "an owner-only umask: 0600 would be right");
        assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
