package dev.persona4j.samplers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * When a sequence ends: on a stop token id (e.g. the model's end-of-sequence tokens), on a stop
 * string appearing in the decoded text (checked across token boundaries by a {@link StopMatcher}), or
 * after {@link #maxNewTokens()} generated tokens. Immutable.
 *
 * @param stopTokenIds token ids that end the sequence, each >= 0
 * @param stopStrings non-empty strings that end the sequence, without repeats
 * @param maxNewTokens the most tokens generated, >= 1
 */
public record StopConditions(Set<Integer> stopTokenIds, List<String> stopStrings, int maxNewTokens) {
  /**
   * Validates and copies the conditions.
   *
   * @throws InvalidSettingException naming a negative id, an empty stop string or a limit below 1
   */
  public StopConditions {
    Builder b = new Builder().stopTokenIds(stopTokenIds).stopStrings(stopStrings).maxNewTokens(maxNewTokens);
    stopTokenIds = Collections.unmodifiableSet(b.stopTokenIds);
    stopStrings = List.copyOf(b.stopStrings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these conditions, to derive a variant. */
  public Builder toBuilder() {
    return new Builder().stopTokenIds(stopTokenIds).stopStrings(stopStrings).maxNewTokens(maxNewTokens);
  }

  public boolean isStopToken(int tokenId) {
    return stopTokenIds.contains(tokenId);
  }

  /** True once {@code generated} tokens reach the limit. */
  public boolean reachedLimit(int generated) {
    return generated >= maxNewTokens;
  }

  /** A matcher for one sequence's decoded text. */
  public StopMatcher newMatcher() {
    return new StopMatcher(stopStrings);
  }

  /** Builder of {@link StopConditions}; default: no stop tokens or strings, at most 256 new tokens. */
  public static final class Builder {
    private final Set<Integer> stopTokenIds = new LinkedHashSet<>();
    private final List<String> stopStrings = new ArrayList<>();
    private int maxNewTokens = 256;

    private Builder() {}

    public Builder stopTokenId(int id) {
      if (id < 0) {
        throw new InvalidSettingException("stopTokenIds", id, "token ids must be >= 0");
      }
      stopTokenIds.add(id);
      return this;
    }

    public Builder stopTokenIds(Collection<Integer> ids) {
      for (Integer id : Objects.requireNonNull(ids, "stopTokenIds")) {
        if (id == null) {
          throw new InvalidSettingException("stopTokenIds", ids, "contains null");
        }
        stopTokenId(id);
      }
      return this;
    }

    public Builder stopString(String stop) {
      if (stop == null || stop.isEmpty()) {
        throw new InvalidSettingException("stopStrings", stop == null ? "null" : "\"\"", "a stop string must be non-empty");
      }
      if (!stopStrings.contains(stop)) {
        stopStrings.add(stop);
      }
      return this;
    }

    public Builder stopStrings(Collection<String> stops) {
      for (String s : Objects.requireNonNull(stops, "stopStrings")) {
        stopString(s);
      }
      return this;
    }

    public Builder maxNewTokens(int maxNewTokens) {
      if (maxNewTokens < 1) {
        throw new InvalidSettingException("maxNewTokens", maxNewTokens, "must be >= 1");
      }
      this.maxNewTokens = maxNewTokens;
      return this;
    }

    public StopConditions build() {
      return new StopConditions(stopTokenIds, stopStrings, maxNewTokens);
    }
  }
}
