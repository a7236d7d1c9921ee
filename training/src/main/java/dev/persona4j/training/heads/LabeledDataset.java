package dev.persona4j.training.heads;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A labelled set of examples with both classes present, as read from JSONL: one JSON object per
 * line, either {@code {"text": ..., "label": ...}} or {@code {"prompt": ..., "reply": ...,
 * "label": ...}}, other fields kept. Blank lines are skipped. Immutable.
 */
public final class LabeledDataset {
  static final Set<String> CONTENT_FIELDS = Set.of("text", "prompt", "reply");

  /** One line is one object: anything after it on the line is an error. */
  private static final ObjectReader JSON = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final List<LabeledExample> examples;
  private final Path source;

  private LabeledDataset(List<LabeledExample> examples, Path source) {
    this.examples = List.copyOf(examples);
    this.source = source;
  }

  /**
   * A dataset of these examples.
   *
   * @throws HeadTrainingException if there are none or they hold a single class
   */
  static LabeledDataset of(List<LabeledExample> examples) {
    Objects.requireNonNull(examples, "examples");
    for (int i = 0; i < examples.size(); i++) {
      if (examples.get(i) == null) {
        throw new HeadTrainingException("examples[" + i + "] is null");
      }
    }
    checkClasses(examples, "the examples");
    return new LabeledDataset(examples, null);
  }

  /**
   * Reads a labelled JSONL file (UTF-8) whose {@code label} is a boolean or 0/1 (1 and true are
   * positive).
   *
   * @throws HeadTrainingException naming the file and line number for malformed JSON, a missing or
   *     mistyped field, both or neither of text and reply, or a label that maps to neither class; naming
   *     the file if it holds no examples or a single class
   */
  public static LabeledDataset readJsonl(Path file) {
    return readJsonl(file, Set.of(), Set.of(), "label");
  }

  /**
   * Reads a labelled JSONL file whose {@code label} may also be a string: those in {@code positives}
   * are positive, any other string negative.
   */
  public static LabeledDataset readJsonl(Path file, Set<String> positives) {
    return readJsonl(file, positives, Set.of(), "label");
  }

  /**
   * Reads a labelled JSONL file whose label is in the field {@code labelField} (for example a file
   * with several labellings of the same examples: {@code label}, {@code speaker}, ...). Booleans and
   * the numbers 0 and 1 are always understood. A string label is positive if in {@code positives};
   * with {@code negatives} empty every other string is negative, otherwise a string in neither set is
   * an error, which catches typos in a label column; with no names at all a string label is an error.
   *
   * @throws dev.persona4j.samplers.InvalidSettingException if a name is blank or in both sets, or only
   *     negatives are named
   */
  public static LabeledDataset readJsonl(Path file, Set<String> positives, Set<String> negatives, String labelField) {
    LabelMapping labels = LabelMapping.of(positives, negatives);
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(labelField, "labelField");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new HeadTrainingException(file, 0, "file not found", e);
    } catch (IOException e) {
      throw new HeadTrainingException(file, 0, "cannot read: " + e, e);
    }
    // Lines are split on bytes and decoded one by one with a strict decoder, so that a byte that is
    // not UTF-8 is reported on its own line rather than silently replaced.
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    List<LabeledExample> examples = new ArrayList<>();
    int lineNumber = 0;
    for (int from = 0; from < bytes.length; ) {
      int end = from;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNumber++;
      int to = end > from && bytes[end - 1] == '\r' ? end - 1 : end;
      String line;
      try {
        line = decoder.decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
      } catch (CharacterCodingException e) {
        throw new HeadTrainingException(file, lineNumber, "not valid UTF-8", e);
      }
      from = end + 1;
      if (lineNumber == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1); // a byte order mark some editors write
      }
      if (!line.isBlank()) {
        examples.add(parseLine(file, lineNumber, line, labels, labelField));
      }
    }
    checkClasses(examples, file.toString());
    return new LabeledDataset(examples, file);
  }

  private static LabeledExample parseLine(Path file, int line, String text, LabelMapping labels,
      String labelField) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String column = loc == null || loc.getColumnNr() < 1 ? "" : " at column " + loc.getColumnNr();
      throw new HeadTrainingException(file, line, "malformed JSON" + column + ": " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new HeadTrainingException(file, line, "expected a JSON object, got "
          + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    String where = file.getFileName() + " line " + line;
    boolean positive = label(file, line, labelField, node.get(labelField), labels);
    Map<String, String> extras = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!CONTENT_FIELDS.contains(e.getKey()) && !e.getKey().equals(labelField)) {
        extras.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
      }
    }
    JsonNode textNode = node.get("text");
    JsonNode reply = node.get("reply");
    JsonNode prompt = node.get("prompt");
    if (textNode != null && (reply != null || prompt != null)) {
      throw new HeadTrainingException(file, line, "has both 'text' and 'prompt'/'reply': use one form");
    }
    if (textNode != null) {
      String t = string(file, line, "text", textNode);
      if (t.isEmpty()) {
        throw new HeadTrainingException(file, line, "'text' is empty");
      }
      return LabeledExample.text(t, positive, extras, where);
    }
    if (reply == null) {
      throw new HeadTrainingException(file, line, prompt == null
          ? "missing 'text' (or 'prompt' and 'reply')"
          : "has 'prompt' but no 'reply'");
    }
    if (prompt == null) {
      throw new HeadTrainingException(file, line, "has 'reply' but no 'prompt' (use \"prompt\": \"\" for none)");
    }
    String r = string(file, line, "reply", reply);
    if (r.isEmpty()) {
      throw new HeadTrainingException(file, line, "'reply' is empty");
    }
    return LabeledExample.reply(string(file, line, "prompt", prompt), r, positive, extras, where);
  }

  private static String string(Path file, int line, String field, JsonNode v) {
    if (!v.isTextual()) {
      throw new HeadTrainingException(file, line, "'" + field + "' must be a string, got " + describe(v));
    }
    return v.asText();
  }

  private static boolean label(Path file, int line, String field, JsonNode v, LabelMapping labels) {
    if (v == null) {
      throw new HeadTrainingException(file, line, "missing '" + field + "'");
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      double d = v.asDouble();
      if (d == 0 || d == 1) {
        return d == 1;
      }
      throw new HeadTrainingException(file, line, "'" + field + "' = " + v + ": a numeric label must be 0 or 1");
    }
    if (v.isTextual()) {
      Boolean c = labels.classOf(v.asText());
      if (c == null) {
        throw new HeadTrainingException(file, line, "unknown '" + field + "' \"" + v.asText() + "\": " + labels.describe());
      }
      return c;
    }
    throw new HeadTrainingException(file, line, "'" + field + "' must be a boolean, 0/1 or a string, got " + describe(v));
  }

  private static String describe(JsonNode v) {
    String type = v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    String text = v.toString();
    return type + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
  }

  private static void checkClasses(List<LabeledExample> examples, String what) {
    if (examples.isEmpty()) {
      throw new HeadTrainingException(what + ": no examples");
    }
    int positives = 0;
    for (LabeledExample e : examples) {
      positives += e.label();
    }
    if (positives == 0 || positives == examples.size()) {
      throw new HeadTrainingException(what + ": all " + examples.size() + " labels are "
          + (positives == 0 ? "negative" : "positive") + "; a head needs examples of both classes");
    }
  }

  /** The examples in file order. */
  List<LabeledExample> examples() {
    return examples;
  }

  /** One label per example (1 = positive), in order: what {@code HeadTrainer} reads. */
  public int[] labels() {
    int[] out = new int[examples.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = examples.get(i).label();
    }
    return out;
  }

  public int size() {
    return examples.size();
  }

  public int positives() {
    int n = 0;
    for (LabeledExample e : examples) {
      n += e.label();
    }
    return n;
  }

  public int negatives() {
    return size() - positives();
  }

  /** The file read, for datasets from {@link #readJsonl}. */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  @Override
  public String toString() {
    return "LabeledDataset{" + (source == null ? "" : source + ", ") + size() + " examples, " + positives()
        + " positive}";
  }
}
