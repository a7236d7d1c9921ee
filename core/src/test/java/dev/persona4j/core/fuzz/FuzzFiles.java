package dev.persona4j.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where fuzz targets put their input when the code under test reads files: one scratch directory per JVM. */
final class FuzzFiles {
  private static final Path DIR;

  static {
    try {
      // tmpfs where there is one: a fresh file per run on a disk file system costs more than most parses
      Path shm = Path.of("/dev/shm");
      DIR = Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "persona4j-fuzz") : Files.createTempDirectory("persona4j-fuzz");
      DIR.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private FuzzFiles() {}

  /** {@code data} written as {@code name} in the scratch directory. */
  static Path write(String name, byte[] data) {
    Path file = DIR.resolve(name);
    try {
      Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    file.toFile().deleteOnExit();
    return file;
  }
}
