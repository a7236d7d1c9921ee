package dev.persona4j.examples.bench;

import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufFileType;
import dev.persona4j.engine.gguf.GgufQuantizer;
import dev.persona4j.engine.gguf.GgufTensor;
import dev.persona4j.engine.gguf.GgufType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A GGUF copy of the benchmark checkpoint quantized to one file type, written by the code path of
 * {@code persona4j quantize} ({@link GgufQuantizer}) when missing or older than the checkpoint.
 *
 * @param type the file type
 * @param file the GGUF file
 * @param fileBytes the file's size
 * @param tensorBytes bytes of tensor data in the file (what the java engine holds, its scales widened aside)
 * @param tensorTypes how many tensors the file holds of each type (a row that is not whole blocks stays F16)
 */
record QuantizedCopy(GgufFileType type, Path file, long fileBytes, long tensorBytes, Map<GgufType, Integer> tensorTypes) {

  QuantizedCopy {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(file, "file");
    tensorTypes = Collections.unmodifiableMap(new TreeMap<>(tensorTypes)); // in GgufType order, for the report
  }

  /** Where the copy of {@code modelDir} quantized to {@code type} goes: {@code <dir>/<modelDir's name>-<type>.gguf}. */
  static Path fileFor(Path dir, Path modelDir, GgufFileType type) {
    return dir.resolve(modelDir.toAbsolutePath().normalize().getFileName() + "-" + type + ".gguf");
  }

  /**
   * {@code out} holding {@code modelDir} quantized to {@code type}: reused when it is at least as new as every
   * file of the checkpoint, else written (to a sibling first, then moved into place, so an interrupted run
   * never leaves a half-written file that looks current) and reopened to check it.
   *
   * @param err told what is done
   * @throws BenchException naming the files when the copy cannot be written or read back
   */
  static QuantizedCopy ensure(Path modelDir, GgufFileType type, Path out, PrintStream err) {
    try {
      if (!isCurrent(modelDir, out)) {
        err.println("bench: quantizing " + modelDir + " to " + type + " -> " + out + " ...");
        long start = System.nanoTime();
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve(out.getFileName() + ".partial");
        GgufQuantizer.quantize(modelDir, type, partial, (name, t, done, total) -> { });
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        err.printf(Locale.ROOT, "bench: wrote %s (%.1f MB) in %.1f s%n", out, Files.size(out) / 1e6,
            (System.nanoTime() - start) / 1e9);
      } else {
        err.println("bench: reusing " + out + " (newer than the checkpoint)");
      }
      return read(type, out);
    } catch (IOException | RuntimeException e) {
      if (e instanceof BenchException b) {
        throw b;
      }
      throw new BenchException("cannot write " + modelDir + " as " + type + " GGUF " + out + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code out} exists and is no older than any regular file of {@code modelDir}. */
  static boolean isCurrent(Path modelDir, Path out) throws IOException {
    if (!Files.isRegularFile(out)) {
      return false;
    }
    FileTime written = Files.getLastModifiedTime(out);
    try (Stream<Path> files = Files.list(modelDir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (Files.getLastModifiedTime(f).compareTo(written) > 0) {
          return false;
        }
      }
    }
    return true;
  }

  private static QuantizedCopy read(GgufFileType type, Path file) throws IOException {
    GgufFile gguf = GgufFile.open(file);
    if (gguf.fileType().isPresent() && gguf.fileType().get() != type) {
      throw new BenchException(file + ": general.file_type is " + gguf.fileType().get() + ", expected " + type);
    }
    long tensorBytes = 0;
    Map<GgufType, Integer> types = new TreeMap<>();
    for (GgufTensor t : gguf.tensors().values()) {
      tensorBytes += t.byteLength();
      types.merge(t.type(), 1, Integer::sum);
    }
    return new QuantizedCopy(type, file, Files.size(file), tensorBytes, types);
  }
}
