package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.samplers.InvalidSettingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabeledDatasetTest {
  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsBothFormsEveryLabelKindAndKeepsExtraFields() throws IOException {
    Path file = write("data.jsonl",
        "{\"text\": \"Arr, me hearties!\", \"label\": true, \"persona\": \"pirate\"}",
        "",
        "{\"prompt\": \"<s>[INST] hi [/INST]\", \"reply\": \" Ahoy!\", \"label\": 1, \"topic\": {\"t\": 1}}",
        "   ",
        "{\"text\": \"As an AI language model\", \"label\": 0}",
        "{\"text\": \"Yo ho\", \"label\": \"in_character\"}",
        "{\"text\": \"I cannot help\", \"label\": \"drift\"}",
        "{\"text\": \"fine\", \"label\": false}");
    LabeledDataset data = LabeledDataset.readJsonl(file, Set.of("in_character"));
    assertEquals(6, data.size());
    assertArrayEquals(new int[] {1, 1, 0, 1, 0, 0}, data.labels());
    assertEquals(3, data.positives());
    assertEquals(3, data.negatives());
    LabeledExample first = data.examples().get(0);
    assertFalse(first.isReply());
    assertEquals("Arr, me hearties!", first.text().orElseThrow());
    assertEquals(Map.of("persona", "pirate"), first.extras());
    assertEquals("data.jsonl line 1", first.source().orElseThrow());
    LabeledExample reply = data.examples().get(1);
    assertTrue(reply.isReply());
    assertEquals("<s>[INST] hi [/INST]", reply.prompt().orElseThrow());
    assertEquals(" Ahoy!", reply.reply().orElseThrow());
    assertEquals(Map.of("topic", "{\"t\":1}"), reply.extras());
    assertEquals("data.jsonl line 3", reply.source().orElseThrow(), "blank lines still count");
    assertEquals(file, data.source().orElseThrow());
  }

  static Stream<Arguments> badLines() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"text\": \"a\", \"label\": tru}", "malformed JSON at column"),
        Arguments.of("trailing garbage", "{\"text\": \"a\", \"label\": true} x", "malformed JSON"),
        Arguments.of("duplicate key", "{\"text\": \"a\", \"text\": \"b\", \"label\": true}", "malformed JSON"),
        Arguments.of("not an object", "[1, 2]", "expected a JSON object, got array"),
        Arguments.of("missing text", "{\"label\": true}", "missing 'text' (or 'prompt' and 'reply')"),
        Arguments.of("prompt without reply", "{\"prompt\": \"p\", \"label\": true}", "has 'prompt' but no 'reply'"),
        Arguments.of("reply without prompt", "{\"reply\": \"r\", \"label\": true}", "has 'reply' but no 'prompt'"),
        Arguments.of("text and reply", "{\"text\": \"t\", \"prompt\": \"p\", \"reply\": \"r\", \"label\": 1}", "has both 'text' and 'prompt'/'reply'"),
        Arguments.of("empty reply", "{\"prompt\": \"p\", \"reply\": \"\", \"label\": true}", "'reply' is empty"),
        Arguments.of("text not a string", "{\"text\": 42, \"label\": true}", "'text' must be a string, got number 42"),
        Arguments.of("missing label", "{\"text\": \"a\"}", "missing 'label'"),
        Arguments.of("label out of range", "{\"text\": \"a\", \"label\": 2}", "a numeric label must be 0 or 1"),
        Arguments.of("label wrong type", "{\"text\": \"a\", \"label\": [1]}", "'label' must be a boolean, 0/1 or a string, got array"),
        Arguments.of("unknown string label", "{\"text\": \"a\", \"label\": \"maybe\"}", "unknown 'label' \"maybe\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLines")
  void aBadLineIsReportedWithItsLineNumber(String what, String badLine, String expected) throws IOException {
    Path file = write("bad.jsonl",
        "{\"text\": \"good\", \"label\": true}",
        "",
        "{\"text\": \"also good\", \"label\": false}",
        badLine,
        "{\"text\": \"never read\", \"label\": true}");
    HeadTrainingException e = assertThrows(HeadTrainingException.class,
        () -> LabeledDataset.readJsonl(file));
    assertEquals(4, e.line().orElseThrow(), e.getMessage());
    assertEquals(file, e.file().orElseThrow());
    assertTrue(e.getMessage().startsWith(file + " line 4: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void withPositiveAndNegativeNamesAnyOtherStringIsAnError() throws IOException {
    Path file = write("names.jsonl",
        "{\"text\": \"a\", \"label\": \"in_character\"}",
        "{\"text\": \"b\", \"label\": \"out_of_character\"}",
        "{\"text\": \"c\", \"label\": \"in_charcter\"}");
    HeadTrainingException e = assertThrows(HeadTrainingException.class, () -> LabeledDataset.readJsonl(file,
        Set.of("in_character"), Set.of("out_of_character"), "label"));
    assertEquals(3, e.line().orElseThrow());
    assertTrue(e.getMessage().contains("\"in_charcter\"") && e.getMessage().contains("[in_character]"), e.getMessage());
  }

  @Test
  void theLabelCanComeFromAnotherField() throws IOException {
    Path file = write("speakers.jsonl",
        "{\"text\": \"Aye, sailor\", \"label\": \"in_character\", \"speaker\": \"captain\"}",
        "{\"text\": \"Most irregular\", \"label\": \"other_persona:naturalist\", \"speaker\": \"naturalist\"}",
        "{\"text\": \"Steady\", \"label\": \"in_character\"}");
    HeadTrainingException missing = assertThrows(HeadTrainingException.class,
        () -> LabeledDataset.readJsonl(file, Set.of("captain"), Set.of(), "speaker"));
    assertEquals(3, missing.line().orElseThrow());
    assertTrue(missing.getMessage().contains("missing 'speaker'"), missing.getMessage());
    Path two = write("two.jsonl", Files.readAllLines(file).subList(0, 2).toArray(new String[0]));
    LabeledDataset data = LabeledDataset.readJsonl(two, Set.of("captain"), Set.of(), "speaker");
    assertEquals(List.of(true, false), data.examples().stream().map(LabeledExample::positive).toList());
    assertEquals("in_character", data.examples().get(0).extras().get("label"), "the usual label field is kept as extra");
  }

  @Test
  void aSingleClassIsRefused() throws IOException {
    Path file = write("one.jsonl", "{\"text\": \"a\", \"label\": true}", "{\"text\": \"b\", \"label\": \"yes\"}");
    HeadTrainingException e = assertThrows(HeadTrainingException.class,
        () -> LabeledDataset.readJsonl(file, Set.of("yes")));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("all 2 labels are positive")
        && e.getMessage().contains("both classes"), e.getMessage());
    assertThrows(HeadTrainingException.class,
        () -> LabeledDataset.of(SyntheticPersonaData.texts(6, 1).stream().filter(LabeledExample::positive).toList()));
  }

  @Test
  void emptyMissingAndNonUtf8FilesAreTypedErrors() throws IOException {
    Path empty = write("empty.jsonl", "", "  ");
    HeadTrainingException none =
        assertThrows(HeadTrainingException.class, () -> LabeledDataset.readJsonl(empty));
    assertTrue(none.getMessage().contains("no examples"), none.getMessage());

    HeadTrainingException missing = assertThrows(HeadTrainingException.class,
        () -> LabeledDataset.readJsonl(dir.resolve("absent.jsonl")));
    assertTrue(missing.getMessage().contains("absent.jsonl") && missing.getMessage().contains("file not found"));

    Path latin1 = dir.resolve("latin1.jsonl");
    Files.write(latin1, ("{\"text\": \"ok\", \"label\": true}\n{\"text\": \"caf\u00e9\", \"label\": false}\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    HeadTrainingException notUtf8 = assertThrows(HeadTrainingException.class,
        () -> LabeledDataset.readJsonl(latin1));
    assertEquals(2, notUtf8.line().orElseThrow());
    assertTrue(notUtf8.getMessage().contains("line 2: not valid UTF-8"), notUtf8.getMessage());
  }

  @Test
  void labelMappingRejectsContradictions() {
    assertThrows(InvalidSettingException.class, () -> LabelMapping.of(Set.of("a"), Set.of("a")));
    assertThrows(InvalidSettingException.class, () -> LabelMapping.of(Set.of(), Set.of("b")));
    assertThrows(InvalidSettingException.class, () -> LabelMapping.positive(" "));
  }
}
