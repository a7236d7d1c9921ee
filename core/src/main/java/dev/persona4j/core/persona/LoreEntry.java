package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One lorebook entry: text inserted into the prompt when one of its keys appears in the recent
 * conversation (or always, when constant).
 *
 * <p>Optional card fields remember whether they were given, so a card read and written again carries
 * exactly the fields it had; the getters return the effective value (the default when absent).
 */
public final class LoreEntry {
  /** Default insertion order (lower goes first). */
  public static final int DEFAULT_INSERTION_ORDER = 100;
  /** Default priority (higher is kept first when over budget). */
  public static final int DEFAULT_PRIORITY = 10;

  final List<String> keys;
  final List<String> secondaryKeys;
  final Boolean selective;
  final Boolean constant;
  final Boolean caseSensitive;
  final Boolean useRegex;
  final Boolean enabled;
  final Integer insertionOrder;
  final Integer priority;
  final LorePosition position;
  final String comment;
  final String name;
  final String content;
  final Long id;
  final ObjectNode extensions;
  final ObjectNode cardFields;
  private volatile LoreMatcher matcher;

  private LoreEntry(Builder b) {
    this.keys = List.copyOf(b.keys);
    this.secondaryKeys = b.secondaryKeys == null ? null : List.copyOf(b.secondaryKeys);
    this.selective = b.selective;
    this.constant = b.constant;
    this.caseSensitive = b.caseSensitive;
    this.useRegex = b.useRegex;
    this.enabled = b.enabled;
    this.insertionOrder = b.insertionOrder;
    this.priority = b.priority;
    this.position = b.position;
    this.comment = b.comment;
    this.name = b.name;
    this.content = Objects.requireNonNull(b.content, "content");
    this.id = b.id;
    this.extensions = b.extensions == null ? null : b.extensions.deepCopy();
    this.cardFields = b.cardFields == null ? JsonNodeFactory.instance.objectNode() : b.cardFields.deepCopy();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.keys = keys;
    b.secondaryKeys = secondaryKeys;
    b.selective = selective;
    b.constant = constant;
    b.caseSensitive = caseSensitive;
    b.useRegex = useRegex;
    b.enabled = enabled;
    b.insertionOrder = insertionOrder;
    b.priority = priority;
    b.position = position;
    b.comment = comment;
    b.name = name;
    b.content = content;
    b.id = id;
    b.extensions = extensions;
    b.cardFields = cardFields;
    return b;
  }

  /** Primary keys; any one of them in the scanned text triggers the entry. */
  public List<String> keys() {
    return keys;
  }

  /** Secondary keys; with {@link #selective()}, one of them must also match. */
  public List<String> secondaryKeys() {
    return secondaryKeys == null ? List.of() : secondaryKeys;
  }

  /** Whether a secondary key must match too. Default false. */
  public boolean selective() {
    return selective != null && selective;
  }

  /** Whether the entry is always inserted, keys or not. Default false. */
  public boolean constant() {
    return constant != null && constant;
  }

  /** Whether keys match case-sensitively. Default false. */
  public boolean caseSensitive() {
    return caseSensitive != null && caseSensitive;
  }

  /** Whether keys are regular expressions (V3 cards' {@code use_regex}). Default false. */
  public boolean useRegex() {
    return useRegex != null && useRegex;
  }

  /** Whether the entry takes part at all. Default true. */
  public boolean enabled() {
    return enabled == null || enabled;
  }

  /** Order among inserted entries, lower first. Default {@value #DEFAULT_INSERTION_ORDER}. */
  public int insertionOrder() {
    return insertionOrder == null ? DEFAULT_INSERTION_ORDER : insertionOrder;
  }

  /** Higher priority entries are kept first when the lore budget is exceeded. Default {@value #DEFAULT_PRIORITY}. */
  public int priority() {
    return priority == null ? DEFAULT_PRIORITY : priority;
  }

  /** Before or after the character definition. Default before. */
  public LorePosition position() {
    return position == null ? LorePosition.BEFORE_CHAR : position;
  }

  /** A note for authors; never sent to the model. */
  public String comment() {
    return comment == null ? "" : comment;
  }

  /** The entry's name, for authors. */
  public String name() {
    return name == null ? "" : name;
  }

  /** The text inserted into the prompt. */
  public String content() {
    return content;
  }

  public OptionalLong id() {
    return id == null ? OptionalLong.empty() : OptionalLong.of(id);
  }

  /** The entry's card extensions (a copy); empty when none. */
  public ObjectNode extensions() {
    return extensions == null ? JsonNodeFactory.instance.objectNode() : extensions.deepCopy();
  }

  /** Fields of an imported card entry with no slot here, kept for export (a copy). */
  public ObjectNode cardFields() {
    return cardFields.deepCopy();
  }

  /**
   * Whether the entry's keys trigger on {@code text}: a primary key matches and, when the entry is
   * selective and has secondary keys, a secondary key matches too. Keys match as substrings (regular
   * expressions with {@link #useRegex()}), case-insensitively unless {@link #caseSensitive()}. Says
   * nothing about {@link #constant()} or {@link #enabled()}.
   */
  public boolean triggeredBy(String text) {
    LoreMatcher m = matcher;
    if (m == null) {
      m = new LoreMatcher(this);
      matcher = m;
    }
    if (!m.primaryMatches(text)) {
      return false;
    }
    return !selective() || m.secondaryMatches(text);
  }

  /** A short label for messages and logs: the name, the comment, or the first key. */
  public String label() {
    if (name != null && !name.isBlank()) {
      return name;
    }
    if (comment != null && !comment.isBlank()) {
      return comment;
    }
    return keys.isEmpty() ? (id == null ? "<constant>" : "#" + id) : keys.get(0);
  }

  /**
   * Entries are equal when their effective values are: whether an optional field was written out or
   * left to its default does not matter.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LoreEntry e)) {
      return false;
    }
    return keys.equals(e.keys)
        && secondaryKeys().equals(e.secondaryKeys())
        && selective() == e.selective()
        && constant() == e.constant()
        && caseSensitive() == e.caseSensitive()
        && useRegex() == e.useRegex()
        && enabled() == e.enabled()
        && insertionOrder() == e.insertionOrder()
        && priority() == e.priority()
        && position() == e.position()
        && comment().equals(e.comment())
        && name().equals(e.name())
        && content.equals(e.content)
        && Objects.equals(id, e.id)
        && extensions().equals(e.extensions())
        && cardFields.equals(e.cardFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keys, constant(), content, id, priority(), insertionOrder());
  }

  @Override
  public String toString() {
    return "LoreEntry{" + label() + ", keys=" + keys + ", priority=" + priority() + "}";
  }

  /** Builds a {@link LoreEntry}; unset optional fields stay absent (and take their defaults). */
  public static final class Builder {
    private List<String> keys = List.of();
    private List<String> secondaryKeys;
    private Boolean selective;
    private Boolean constant;
    private Boolean caseSensitive;
    private Boolean useRegex;
    private Boolean enabled;
    private Integer insertionOrder;
    private Integer priority;
    private LorePosition position;
    private String comment;
    private String name;
    private String content;
    private Long id;
    private ObjectNode extensions;
    private ObjectNode cardFields;

    private Builder() {}

    public Builder keys(List<String> keys) {
      this.keys = List.copyOf(keys);
      return this;
    }

    public Builder keys(String... keys) {
      return keys(List.of(keys));
    }

    public Builder secondaryKeys(List<String> secondaryKeys) {
      this.secondaryKeys = List.copyOf(secondaryKeys);
      return this;
    }

    public Builder selective(boolean selective) {
      this.selective = selective;
      return this;
    }

    public Builder constant(boolean constant) {
      this.constant = constant;
      return this;
    }

    public Builder caseSensitive(boolean caseSensitive) {
      this.caseSensitive = caseSensitive;
      return this;
    }

    public Builder useRegex(boolean useRegex) {
      this.useRegex = useRegex;
      return this;
    }

    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    public Builder insertionOrder(int insertionOrder) {
      this.insertionOrder = insertionOrder;
      return this;
    }

    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder position(LorePosition position) {
      this.position = Objects.requireNonNull(position, "position");
      return this;
    }

    public Builder comment(String comment) {
      this.comment = Objects.requireNonNull(comment, "comment");
      return this;
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder content(String content) {
      this.content = Objects.requireNonNull(content, "content");
      return this;
    }

    public Builder id(long id) {
      this.id = id;
      return this;
    }

    public Builder extensions(ObjectNode extensions) {
      // An empty tree and no tree mean the same: cards write {} either way.
      this.extensions = Objects.requireNonNull(extensions, "extensions").isEmpty() ? null : extensions.deepCopy();
      return this;
    }

    public Builder cardFields(ObjectNode cardFields) {
      this.cardFields = Objects.requireNonNull(cardFields, "cardFields").deepCopy();
      return this;
    }

    public LoreEntry build() {
      if (content == null) {
        throw new IllegalStateException("a lore entry needs content");
      }
      if (useRegex != null && useRegex) {
        for (String k : keys) {
          LoreMatcher.compileKey(k, true);
        }
        if (secondaryKeys != null) {
          for (String k : secondaryKeys) {
            LoreMatcher.compileKey(k, true);
          }
        }
      }
      return new LoreEntry(this);
    }
  }
}
