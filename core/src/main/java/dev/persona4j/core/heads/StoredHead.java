package dev.persona4j.core.heads;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A head read from its file together with the model it is bound to, not yet checked against any
 * loaded model: what {@link HeadFiles#loadUnbound} returns for inspection.
 *
 * @param head the rebuilt head, ready to score
 * @param binding the model the head was trained on
 * @param training the training summary's figures as saved ({@code accuracy}, {@code auc}, {@code ece},
 *     {@code brier}, {@code epochs}, {@code examples}, {@code seconds}, ...); empty if none was saved
 * @param file the safetensors file it was read from
 */
public record StoredHead(Head head, ModelBinding binding, Map<String, String> training, Path file) {
  public StoredHead {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(binding, "binding");
    training = Map.copyOf(training);
    Objects.requireNonNull(file, "file");
  }
}
