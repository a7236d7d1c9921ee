package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A character's lorebook (a card's {@code character_book}): entries inserted into the prompt when their
 * keys appear in the last {@link #scanDepth()} messages, within {@link #tokenBudget()} tokens.
 */
public final class Lorebook {
  /** Messages scanned for keys when the lorebook does not say. */
  public static final int DEFAULT_SCAN_DEPTH = 4;

  final String name;
  final String description;
  final Integer scanDepth;
  final Integer tokenBudget;
  final Boolean recursiveScanning;
  final ObjectNode extensions;
  final List<LoreEntry> entries;
  final ObjectNode cardFields;

  private Lorebook(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.scanDepth = b.scanDepth;
    this.tokenBudget = b.tokenBudget;
    this.recursiveScanning = b.recursiveScanning;
    this.extensions = b.extensions == null ? null : b.extensions.deepCopy();
    this.entries = List.copyOf(b.entries);
    this.cardFields = b.cardFields == null ? JsonNodeFactory.instance.objectNode() : b.cardFields.deepCopy();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.description = description;
    b.scanDepth = scanDepth;
    b.tokenBudget = tokenBudget;
    b.recursiveScanning = recursiveScanning;
    b.extensions = extensions;
    b.entries = entries;
    b.cardFields = cardFields;
    return b;
  }

  public String name() {
    return name == null ? "" : name;
  }

  public String description() {
    return description == null ? "" : description;
  }

  /** How many of the latest messages are scanned for keys. Default {@value #DEFAULT_SCAN_DEPTH}. */
  public int scanDepth() {
    return scanDepth == null ? DEFAULT_SCAN_DEPTH : scanDepth;
  }

  /** Tokens the inserted entries may take together; empty means only the prompt's budget limits them. */
  public OptionalInt tokenBudget() {
    return tokenBudget == null ? OptionalInt.empty() : OptionalInt.of(tokenBudget);
  }

  /** Whether inserted entries' content is scanned for further keys. Default false. */
  public boolean recursiveScanning() {
    return recursiveScanning != null && recursiveScanning;
  }

  /** The book's card extensions (a copy); empty when none. */
  public ObjectNode extensions() {
    return extensions == null ? JsonNodeFactory.instance.objectNode() : extensions.deepCopy();
  }

  public List<LoreEntry> entries() {
    return entries;
  }

  /** Fields of an imported card's book with no slot here, kept for export (a copy). */
  public ObjectNode cardFields() {
    return cardFields.deepCopy();
  }

  /** Lorebooks are equal when their effective values are (see {@link LoreEntry#equals}). */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Lorebook l)) {
      return false;
    }
    return name().equals(l.name())
        && description().equals(l.description())
        && scanDepth() == l.scanDepth()
        && tokenBudget().equals(l.tokenBudget())
        && recursiveScanning() == l.recursiveScanning()
        && extensions().equals(l.extensions())
        && entries.equals(l.entries)
        && cardFields.equals(l.cardFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name(), scanDepth(), entries);
  }

  @Override
  public String toString() {
    return "Lorebook{" + name() + ", " + entries.size() + " entries}";
  }

  /** Builds a {@link Lorebook}; unset optional fields stay absent (and take their defaults). */
  public static final class Builder {
    private String name;
    private String description;
    private Integer scanDepth;
    private Integer tokenBudget;
    private Boolean recursiveScanning;
    private ObjectNode extensions;
    private List<LoreEntry> entries = List.of();
    private ObjectNode cardFields;

    private Builder() {}

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder scanDepth(int scanDepth) {
      if (scanDepth < 0) {
        throw new IllegalArgumentException("scan depth must be >= 0, got " + scanDepth);
      }
      this.scanDepth = scanDepth;
      return this;
    }

    public Builder tokenBudget(int tokenBudget) {
      if (tokenBudget < 0) {
        throw new IllegalArgumentException("token budget must be >= 0, got " + tokenBudget);
      }
      this.tokenBudget = tokenBudget;
      return this;
    }

    public Builder recursiveScanning(boolean recursiveScanning) {
      this.recursiveScanning = recursiveScanning;
      return this;
    }

    public Builder extensions(ObjectNode extensions) {
      // An empty tree and no tree mean the same: cards write {} either way.
      this.extensions = Objects.requireNonNull(extensions, "extensions").isEmpty() ? null : extensions.deepCopy();
      return this;
    }

    public Builder entries(List<LoreEntry> entries) {
      this.entries = List.copyOf(entries);
      return this;
    }

    public Builder cardFields(ObjectNode cardFields) {
      this.cardFields = Objects.requireNonNull(cardFields, "cardFields").deepCopy();
      return this;
    }

    public Lorebook build() {
      return new Lorebook(this);
    }
  }
}
