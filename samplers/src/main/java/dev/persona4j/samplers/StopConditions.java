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
 */
public final class StopConditions {
  private final Set<Integer> stopTokenIds;
  private final List<String> stopStrings;
  private final int maxNewTokens;

  private StopConditions(Builder b) {
    this.stopTokenIds = Collections.unmodifiableSet(new LinkedHashSet<>(b.stopTokenIds));
    this.stopStrings = List.copyOf(b.stopStrings);
    this.maxNewTokens = b.maxNewTokens;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.stopTokenIds.addAll(stopTokenIds);
    b.stopStrings.addAll(stopStrings);
    b.maxNewTokens = maxNewTokens;
    return b;
  }

  public Set<Integer> stopTokenIds() {
    return stopTokenIds;
  }

  public List<String> stopStrings() {
    return stopStrings;
  }

  public int maxNewTokens() {
    return maxNewTokens;
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

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StopConditions)) {
      return false;
    }
    StopConditions s = (StopConditions) o;
    return stopTokenIds.equals(s.stopTokenIds) && stopStrings.equals(s.stopStrings) && maxNewTokens == s.maxNewTokens;
  }

  @Override
  public int hashCode() {
    return Objects.hash(stopTokenIds, stopStrings, maxNewTokens);
  }

  @Override
  public String toString() {
    return "StopConditions{stopTokenIds=" + stopTokenIds + ", stopStrings=" + stopStrings + ", maxNewTokens=" + maxNewTokens + "}";
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
      return new StopConditions(this);
    }
  }
}
