package dev.persona4j.training.heads;

import dev.persona4j.samplers.InvalidSettingException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a JSONL {@code label} value becomes a class. Booleans and the numbers 0 and 1 are always
 * understood (true and 1 are positive). String labels need names: with positive names only, every
 * other string is negative; with negative names as well, a string in neither set is an error, which
 * catches typos in a label column.
 */
final class LabelMapping {
  private final Set<String> positives;
  private final Set<String> negatives;

  private LabelMapping(Set<String> positives, Set<String> negatives) {
    this.positives = Set.copyOf(positives);
    this.negatives = Set.copyOf(negatives);
  }

  /** Booleans and 0/1 only; a string label is an error. */
  public static LabelMapping binary() {
    return new LabelMapping(Set.of(), Set.of());
  }

  /** These string labels are positive, any other string negative (plus booleans and 0/1). */
  public static LabelMapping positive(String... names) {
    return of(new LinkedHashSet<>(Arrays.asList(Objects.requireNonNull(names, "names"))), Set.of());
  }

  /**
   * String labels in {@code positives} are positive, those in {@code negatives} negative; if {@code
   * negatives} is empty every string not in {@code positives} is negative.
   *
   * @throws InvalidSettingException if a name is blank or in both sets, or only negatives are named
   */
  public static LabelMapping of(Set<String> positives, Set<String> negatives) {
    Objects.requireNonNull(positives, "positives");
    Objects.requireNonNull(negatives, "negatives");
    for (String p : positives) {
      if (p == null || p.isBlank()) {
        throw new InvalidSettingException("positive label", "'" + p + "'", "a label name must not be blank");
      }
      if (negatives.contains(p)) {
        throw new InvalidSettingException("positive label", "'" + p + "'", "is also named a negative label");
      }
    }
    for (String n : negatives) {
      if (n == null || n.isBlank()) {
        throw new InvalidSettingException("negative label", "'" + n + "'", "a label name must not be blank");
      }
    }
    if (positives.isEmpty() && !negatives.isEmpty()) {
      throw new InvalidSettingException("negative labels", new TreeSet<>(negatives),
          "name the positive labels too (every string label must map to a class)");
    }
    return new LabelMapping(positives, negatives);
  }

  public Set<String> positives() {
    return positives;
  }

  public Set<String> negatives() {
    return negatives;
  }

  /**
   * The class of a string label, or null if it maps to none (the caller reports where). Strings
   * {@code "true"}/{@code "false"} and {@code "1"}/{@code "0"} are read as their values when no names
   * are set.
   */
  Boolean classOf(String label) {
    if (positives.contains(label)) {
      return Boolean.TRUE;
    }
    if (negatives.contains(label)) {
      return Boolean.FALSE;
    }
    if (!positives.isEmpty()) {
      return negatives.isEmpty() ? Boolean.FALSE : null;
    }
    switch (label.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
        return Boolean.TRUE;
      case "false":
      case "0":
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  /** What string labels this mapping accepts, for error messages. */
  String describe() {
    if (positives.isEmpty()) {
      return "labels must be true/false or 0/1; name the positive string labels to use strings";
    }
    return "positive labels are " + new TreeSet<>(positives)
        + (negatives.isEmpty() ? ", any other string is negative" : ", negative labels are " + new TreeSet<>(negatives));
  }

  @Override
  public String toString() {
    return "LabelMapping{" + describe() + "}";
  }
}
