package dev.persona4j.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.persona4j.core.generate.Timings;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.Selection;
import java.util.List;
import java.util.Objects;

/**
 * A persona's reply's metadata: LangChain4j's (the persona's name as the model name, token usage,
 * finish reason) plus how the reply was chosen: every candidate decoded for it with its head scores,
 * the policy's score and its filters' verdicts, the rule and explanation of the choice, and where
 * the time went. Read it with {@code (PersonaChatResponseMetadata) response.metadata()}.
 */
public final class PersonaChatResponseMetadata extends ChatResponseMetadata {
  private final Selection selection;
  private final Timings timings;

  private PersonaChatResponseMetadata(Builder builder) {
    super(builder);
    this.selection = Objects.requireNonNull(builder.selection, "selection");
    this.timings = Objects.requireNonNull(builder.timings, "timings");
  }

  /** The policy's verdict: the chosen index, rule, explanation, and every judged candidate. */
  public Selection selection() {
    return selection;
  }

  /** Every candidate of every round, in the order decoded, each with its head scores. */
  public List<Candidate> candidates() {
    return selection.candidates();
  }

  /** The candidate whose text is the reply: the chosen one, or the best seen when the policy gave up. */
  public Candidate chosen() {
    return selection.chosen().or(selection::bestSeen).orElseThrow();
  }

  /** Why the reply's candidate was chosen, in a sentence. */
  public String explanation() {
    return selection.explanation();
  }

  /** Where the reply's time went (prompt tokens, prefill, decoding, head scoring). */
  public Timings timings() {
    return timings;
  }

  @Override
  public Builder toBuilder() {
    return ((Builder) super.toBuilder(new Builder())).selection(selection).timings(timings);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PersonaChatResponseMetadata m && super.equals(o) && selection.equals(m.selection)
        && timings.equals(m.timings);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), selection, timings);
  }

  @Override
  public String toString() {
    return "PersonaChatResponseMetadata{" + super.toString() + ", " + candidates().size() + " candidate(s), "
        + explanation() + "}";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder; the selection and timings are required. */
  public static final class Builder extends ChatResponseMetadata.Builder<Builder> {
    private Selection selection;
    private Timings timings;

    private Builder() {}

    public Builder selection(Selection selection) {
      this.selection = selection;
      return this;
    }

    public Builder timings(Timings timings) {
      this.timings = timings;
      return this;
    }

    @Override
    public PersonaChatResponseMetadata build() {
      return new PersonaChatResponseMetadata(this);
    }
  }
}
