package dev.persona4j.samplers.rejection;

import java.util.Objects;

/**
 * What one hard filter said about one candidate, and why.
 *
 * @param filter the filter's {@link CandidateFilter#name() name}
 * @param passed whether the candidate passed
 * @param reason why it was rejected; {@code ok} when it passed
 */
public record FilterVerdict(String filter, boolean passed, String reason) {
  /** Checks that filter and reason are present. */
  public FilterVerdict {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(reason, "reason");
  }

  /** The candidate passed {@code filter}. */
  public static FilterVerdict pass(String filter) {
    return new FilterVerdict(filter, true, "ok");
  }

  /** {@code filter} rejected the candidate, for {@code reason}. */
  public static FilterVerdict reject(String filter, String reason) {
    return new FilterVerdict(filter, false, reason);
  }
}
