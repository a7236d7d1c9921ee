package dev.persona4j.training.heads;

import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFiles;
import java.nio.file.Path;
import java.util.Objects;

/** A freshly trained head and how its training went. */
public record TrainedHead(Head head, TrainingSummary summary) {
  public TrainedHead {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(summary, "summary");
  }

  /**
   * Saves the head with its training figures, bound to {@code model}, and returns its {@code
   * .safetensors} file: see {@link HeadFiles#save}.
   */
  public Path save(Path dir, ModelInfo model) {
    return HeadFiles.save(dir, head, model, summary.figures());
  }
}
