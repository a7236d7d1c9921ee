package dev.persona4j.core.heads;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The two files {@link HeadFiles#save} wrote for a head.
 *
 * @param weights {@code <dir>/<name>.safetensors}: the parameters and the binding, what loading reads
 * @param description {@code <dir>/<name>.json}: the same metadata and the training summary, for people
 */
public record SavedHead(Path weights, Path description) {
  public SavedHead {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(description, "description");
  }
}
