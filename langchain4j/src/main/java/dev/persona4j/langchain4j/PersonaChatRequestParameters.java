package dev.persona4j.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.persona4j.samplers.InvalidSettingException;
import java.util.Objects;

/**
 * LangChain4j's request parameters plus the two persona4j adds: a {@code seed} (the same seed and
 * conversation give the same reply) and the number of {@code candidates} to decode and choose from
 * by the generator's heads. Either left empty means the generator's setting. Pass it as a
 * {@code ChatRequest}'s parameters or as a model's default parameters; it survives LangChain4j's
 * merging of the two.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .messages(UserMessage.from("Ahoy!"))
 *     .parameters(PersonaChatRequestParameters.builder().temperature(0.7).seed(7L).candidates(4).build())
 *     .build();
 * }</pre>
 */
public final class PersonaChatRequestParameters extends DefaultChatRequestParameters {
  private final Long seed;
  private final Integer candidates;

  private PersonaChatRequestParameters(Builder builder) {
    super(builder);
    this.seed = builder.seed;
    this.candidates = builder.candidates;
  }

  /** The reply's seed, or null for the generator's. */
  public Long seed() {
    return seed;
  }

  /** Candidates to decode for the reply (1 to 1024), or null for the generator's policy's. */
  public Integer candidates() {
    return candidates;
  }

  @Override
  public ChatRequestParameters overrideWith(ChatRequestParameters that) {
    return builder().overrideWith(this).overrideWith(that).build();
  }

  @Override
  public ChatRequestParameters defaultedBy(ChatRequestParameters that) {
    return builder().overrideWith(that).overrideWith(this).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PersonaChatRequestParameters p && super.equals(o) && Objects.equals(seed, p.seed)
        && Objects.equals(candidates, p.candidates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), seed, candidates);
  }

  @Override
  public String toString() {
    return "PersonaChatRequestParameters{" + super.toString() + ", seed=" + seed + ", candidates=" + candidates + "}";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder; everything empty by default. */
  public static final class Builder extends DefaultChatRequestParameters.Builder<Builder> {
    private Long seed;
    private Integer candidates;

    private Builder() {}

    /** Takes every parameter {@code parameters} sets (theirs win), persona4j's own included. */
    @Override
    public Builder overrideWith(ChatRequestParameters parameters) {
      super.overrideWith(parameters);
      if (parameters instanceof PersonaChatRequestParameters p) {
        if (p.seed != null) {
          seed(p.seed);
        }
        if (p.candidates != null) {
          candidates(p.candidates);
        }
      }
      return this;
    }

    /** The reply's seed; null for the generator's. */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Candidates to decode (1 to 1024) and choose from by the generator's heads; null for the
     * generator's policy's.
     *
     * @throws InvalidSettingException when out of range
     */
    public Builder candidates(Integer candidates) {
      if (candidates != null && (candidates < 1 || candidates > 1024)) {
        throw new InvalidSettingException("candidates", candidates, "must be in [1, 1024]");
      }
      this.candidates = candidates;
      return this;
    }

    @Override
    public PersonaChatRequestParameters build() {
      return new PersonaChatRequestParameters(this);
    }
  }
}
