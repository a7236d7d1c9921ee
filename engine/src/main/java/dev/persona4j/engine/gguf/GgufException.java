package dev.persona4j.engine.gguf;

import dev.persona4j.core.checkpoint.CheckpointException;
import java.nio.file.Path;

/**
 * A GGUF file cannot be used: it is truncated, its header lies (counts, lengths, offsets, shapes), it names a
 * tensor type or architecture this project does not read, or a metadata key it needs is missing or
 * inconsistent. The message names the file and the metadata key or tensor at fault.
 */
public final class GgufException extends CheckpointException {
  GgufException(Path file, String location, String problem) {
    super(file, location, problem);
  }

  GgufException(Path file, String location, String problem, Throwable cause) {
    super(file, location, problem, cause);
  }
}
