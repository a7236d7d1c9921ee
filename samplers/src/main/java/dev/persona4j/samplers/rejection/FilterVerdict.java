package dev.persona4j.samplers.rejection;

import java.util.Objects;

/** What one hard filter said about one candidate, and why. */
public record FilterVerdict(String filter, boolean passed, String reason) {
  public FilterVerdict {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(reason, "reason");
  }

  public static FilterVerdict pass(String filter) {
    return new FilterVerdict(filter, true, "ok");
  }

  public static FilterVerdict reject(String filter, String reason) {
    return new FilterVerdict(filter, false, reason);
  }
}
