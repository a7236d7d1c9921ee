package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.internal.Json;
import dev.persona4j.core.persona.CharacterCards;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code persona4j template}: exact renderings on stdout, typed errors on stderr, assembled prompts. */
class TemplateCommandTest {
  static final Path MODELS = Path.of("..", "core", "src", "test", "resources", "hf-reference", "models");
  static final Path CAPTAIN = Path.of("personas", "captain.yaml");
  private static final ObjectMapper JSON = Json.mapper();

  @TempDir Path dir;

  /** What one run of the command line printed and returned. */
  record Run(int exit, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Persona4jCli.newCommandLine().execute(args);
      return new Run(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /**
   * A run that must fail with a typed error: exit code 1, nothing on stdout, and on stderr the one line
   * {@code persona4j template: <message>}; returns the message.
   */
  static String failure(String... args) {
    Run r = run(args);
    assertEquals(1, r.exit(), r.err());
    assertEquals(0, r.out().length, r.text());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("persona4j template: "), r.err());
    return r.err().strip().substring("persona4j template: ".length());
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  // ------------------------------------------------------------------ parity with transformers (../shared)

  /**
   * The third-party templates stay in {@code ../shared/fixtures/hf-reference} beside the repository root
   * (the directory holding {@code .ci}); a worktree may sit deeper, so the search goes on upwards.
   */
  static Optional<Path> sharedReference() {
    Path root = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    while (root != null && !Files.isDirectory(root.resolve(".ci"))) {
      root = root.getParent();
    }
    for (Path up = root == null ? null : root.getParent(); up != null; up = up.getParent()) {
      Path candidate = up.resolve("shared/fixtures/hf-reference");
      if (Files.isRegularFile(candidate.resolve("chat_templates.json"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static JsonNode referenceCase(String template, String conversation, boolean generationPrompt)
      throws IOException {
    Optional<Path> shared = sharedReference();
    Assumptions.assumeTrue(shared.isPresent(),
        "SKIPPED: ../shared/fixtures/hf-reference/chat_templates.json is absent"
            + " (the third-party templates are not in the repository)");
    for (JsonNode c : JSON.readTree(shared.get().resolve("chat_templates.json").toFile()).get("cases")) {
      if (c.get("template").asText().equals(template) && c.get("variant").asText().equals("raw")
          && c.get("conversation").asText().equals(conversation)
          && c.get("add_generation_prompt").asBoolean() == generationPrompt) {
        return c;
      }
    }
    throw new AssertionError("no case " + template + "/" + conversation + "/" + generationPrompt);
  }

  private String[] referenceCaseArgs(JsonNode c) throws IOException {
    Path template = sharedReference().orElseThrow().resolve("templates").resolve(c.get("template").asText() + ".jinja");
    // The published file, up to line endings: qwen2.5-instruct.jinja has CRLF, which Jinja reads as "\n".
    assertEquals(c.get("template_source").asText(), Files.readString(template).replace("\r\n", "\n"),
        "the case renders the published file");
    Path messages = dir.resolve("messages.json");
    JSON.writeValue(messages.toFile(), c.get("messages"));
    List<String> args = new ArrayList<>(List.of("template", "--template", template.toString(),
        "--messages", messages.toString(), "--bos", c.get("bos_token").asText(), "--eos", c.get("eos_token").asText()));
    if (c.get("add_generation_prompt").asBoolean()) {
      args.add("--add-generation-prompt");
    }
    return args.toArray(String[]::new);
  }

  @ParameterizedTest
  @CsvSource({
      "llama-3-instruct, multi_turn, true",
      "mistral-instruct, multi_turn, false",
      "qwen2.5-instruct, sys_user, true",
      "gemma-it, no_system_multi, true"})
  void reproducesTransformersRenderingByteForByte(String template, String conversation, boolean generationPrompt)
      throws IOException {
    JsonNode c = referenceCase(template, conversation, generationPrompt);
    Run r = run(referenceCaseArgs(c));
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(c.get("expected").asText().getBytes(StandardCharsets.UTF_8), r.out(),
        "stdout of " + template + "/" + conversation + ":\n" + r.text());
  }

  @Test
  void templateRaisedErrorIsPrintedExactlyWithNonZeroExit() throws IOException {
    JsonNode c = referenceCase("mistral-instruct", "bad_alternation", true);
    String error = c.get("error").asText();
    assertEquals(error.substring(error.indexOf(": ") + 2), failure(referenceCaseArgs(c)));
  }

  // --------------------------------------------------------------------------------- messages form, local

  @Test
  void writesUtf8WithNothingAdded() throws IOException {
    Path messages = write("m.json", "[{\"role\": \"user\", \"content\": \"Grüße ☕ — ünïcödé\"}]");
    Run r = run("template", "--builtin", "chatml", "--messages", messages.toString(), "--add-generation-prompt");
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals("<|im_start|>user\nGrüße ☕ — ünïcödé<|im_end|>\n<|im_start|>assistant\n"
        .getBytes(StandardCharsets.UTF_8), r.out());
    assertEquals("", r.err());
  }

  @Test
  void jinjaDropsOneTrailingNewlineAndTheCommandAddsNone() throws IOException {
    Path template = write("t.jinja", "{{ messages[0]['content'] }}\n");
    Path messages = write("m.json", "[{\"role\": \"user\", \"content\": \"hi\"}]");
    Run r = run("template", "--template", template.toString(), "--messages", messages.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("hi", r.text());
  }

  @Test
  void extraKeysStructuredContentAndTopLevelVariablesReachTheTemplate() throws IOException {
    Path template = write("t.jinja", "{{ bos_token }}{% for m in messages %}"
        + "{{ m.role }}/{{ m.name | default('-') }}/"
        + "{% if m.content is string %}{{ m.content }}{% else %}{{ m.content[0].text }}{% endif %};"
        + "{% endfor %}tools={{ tools | length }}:{{ tools[0].name }}|"
        + "{% if eos_token is defined %}eos{% else %}no eos{% endif %}");
    Path messages = write("m.json", """
        {"tools": [{"name": "weather"}],
         "messages": [
          {"role": "system", "content": "be brief"},
          {"role": "user", "name": "ann", "content": [{"type": "text", "text": "hello"}]},
          {"role": "tool", "content": "sunny", "tool_call_id": "x1"}
        ]}""");
    Run r = run("template", "--template", template.toString(), "--messages", messages.toString(), "--bos", "<s>");
    assertEquals(0, r.exit(), r.err());
    assertEquals("<s>system/-/be brief;user/ann/hello;tool/-/sunny;tools=1:weather|no eos", r.text());
  }

  @Test
  void templateDecidesWhichRolesItAccepts() throws IOException {
    Path template = write("t.jinja", "{% for m in messages %}{% if m.role not in ['user', 'assistant'] %}"
        + "{{ raise_exception('Only user and assistant roles are supported, not ' + m.role + '!') }}{% endif %}"
        + "{{ m.content }}{% endfor %}");
    Path messages = write("m.json",
        "[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"narrator\", \"content\": \"b\"}]");
    assertEquals("Only user and assistant roles are supported, not narrator!",
        failure("template", "--template", template.toString(), "--messages", messages.toString()));

    Run chatml = run("template", "--builtin", "chatml", "--messages", messages.toString());
    assertEquals(0, chatml.exit(), chatml.err());
    assertEquals("<|im_start|>user\na<|im_end|>\n<|im_start|>narrator\nb<|im_end|>\n", chatml.text());
  }

  @Test
  void syntaxErrorNamesTheFileAndLine() throws IOException {
    Path template = write("broken.jinja", "{% for m in messages %}\n{{ m.content }\n{% endfor %}");
    Path messages = write("m.json", "[{\"role\": \"user\", \"content\": \"a\"}]");
    String error = failure("template", "--template", template.toString(), "--messages", messages.toString());
    assertTrue(error.startsWith(template + ":2: "), error);
  }

  /** A messages file, and what the error names: the file, the field path, line and column, the problem. */
  @ParameterizedTest
  @MethodSource("badMessagesFiles")
  void badMessagesFilesAreTypedErrorsNamingFileFieldLineAndColumn(String text, String expected) throws IOException {
    Path messages = write("messages.json", text);
    String error = failure("template", "--builtin", "chatml", "--messages", messages.toString());
    assertTrue(error.startsWith(messages + ": "), error);
    assertTrue(error.contains(expected), error);
  }

  static Stream<Arguments> badMessagesFiles() {
    return Stream.of(
        Arguments.of("[\n  {\"role\": \"user\", \"content\": \"hi\"},\n  {\"role\": \"user\" \"content\": \"x\"}\n]",
            "(line 3, column 19): malformed JSON"),
        Arguments.of("{\"messages\": [\n {\"role\": \"user\", \"content\": \"hi\"},\n {\"content\": \"x\"}\n]}",
            ": messages[1] (line 3, column 2): a message needs a \"role\""),
        Arguments.of("[{\"role\": 3, \"content\": \"x\"}]", ": [0].role (line 1, column 11)"),
        Arguments.of("{\"messages\": \"hello\"}", ": messages (line 1, column 14): expected a list of messages"),
        Arguments.of("[{\"role\": \"user\", \"role\": \"assistant\", \"content\": \"x\"}]", "Duplicate field 'role'"));
  }

  @Test
  void anAbsentMessagesFileIsNamed() {
    String error = failure("template", "--builtin", "chatml", "--messages", dir.resolve("absent.json").toString());
    assertTrue(error.contains("absent.json"), error);
  }

  @Test
  void modelsTemplateAndSpecialTokensAreUsedWithModel() throws IOException {
    Path model = MODELS.resolve("llama");
    JsonNode config = JSON.readTree(model.resolve("tokenizer_config.json").toFile());
    Path template = write("llama.jinja", config.get("chat_template").asText());
    Path messages = write("m.json", "[{\"role\": \"system\", \"content\": \"Be salty.\"},"
        + " {\"role\": \"user\", \"content\": \"Ahoy?\"}]");
    Run viaModel = run("template", "--model", model.toString(), "--messages", messages.toString(),
        "--add-generation-prompt");
    Run viaFile = run("template", "--template", template.toString(), "--messages", messages.toString(),
        "--add-generation-prompt", "--bos", config.get("bos_token").asText(),
        "--eos", config.get("eos_token").asText());
    assertEquals(0, viaModel.exit(), viaModel.err());
    assertEquals(0, viaFile.exit(), viaFile.err());
    assertTrue(viaModel.text().startsWith("<s>"), viaModel.text());
    assertTrue(viaModel.text().contains("Be salty.") && viaModel.text().contains("Ahoy?"), viaModel.text());
    assertArrayEquals(viaFile.out(), viaModel.out());
  }

  /**
   * transformers takes bos_token from the tokenizer; without --model there is none, and llama3's template
   * concatenates it: the failure names the value and the option that supplies it, not Python's NoneType.
   */
  @Test
  void anUndefinedSpecialTokenIsNamedWithTheOptionThatSuppliesIt() throws IOException {
    Path messages = write("m.json", "[{\"role\": \"user\", \"content\": \"Hi\"}]");
    String error = failure("template", "--builtin", "llama3", "--messages", messages.toString());
    assertEquals("built-in template llama3:5: bos_token is undefined: give --bos S (the model tokenizer's text)"
        + " or --model DIR", error);

    Run given = run("template", "--builtin", "llama3", "--messages", messages.toString(), "--bos", "<|begin_of_text|>");
    assertEquals(0, given.exit(), given.err());
    assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", given.text());
    // Other failures keep their own message, even with a special token absent.
    Path broken = write("broken.jinja", "{{ bos_token + messages[0]['content'] + 1 }}");
    String other = failure("template", "--template", broken.toString(), "--messages", messages.toString());
    assertTrue(other.startsWith(broken + ":1: "), other);
    assertFalse(other.contains("--bos"), other);
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    Path messages = write("m.json", "[{\"role\": \"user\", \"content\": \"a\"}]");
    assertEquals(2, run("template", "--messages", messages.toString()).exit());
    assertEquals(2, run("template", "--builtin", "chatml", "--messages", messages.toString(),
        "--persona", CAPTAIN.toString()).exit());
    assertEquals(2, run("template", "--builtin", "nope", "--messages", messages.toString()).exit());
    assertEquals(2, run("template", "--persona", CAPTAIN.toString(), "--add-generation-prompt").exit());
  }

  // ------------------------------------------------------------------------------------------- persona form

  @Test
  void personaWithChatModelPrintsTheAssembledPrompt() throws IOException {
    Path model = MODELS.resolve("qwen3");
    Run r = run("template", "--persona", CAPTAIN.toString(), "--model", model.toString());
    assertEquals(0, r.exit(), r.err());
    String text = r.text();
    assertTrue(text.startsWith("<|im_start|>system\n"), text);
    assertTrue(text.endsWith("<|im_end|>\n<|im_start|>assistant\n"), text);
    assertTrue(text.contains("Captain Mara Vell"), text);
    try (Tokenizer tokenizer = Tokenizer.load(model)) {
      String expected = PromptAssembler.forTokenizer(tokenizer)
          .assemble(PersonaFiles.load(CAPTAIN), Conversation.empty(), "User", Integer.MAX_VALUE).text();
      assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), r.out());
    }
  }

  @Test
  void personaWithTheDemoModelFollowsItsProfileAsReplyDoes() throws IOException {
    Path model = Path.of("models", "persona-demo");
    Run r = run("template", "--persona", CAPTAIN.toString(), "--model", model.toString());
    assertEquals(0, r.exit(), r.err());
    try (Tokenizer tokenizer = Tokenizer.load(model)) {
      // persona4j.json says compact: the prompt reply sends, not the full definition.
      String expected = PromptAssembler.forTokenizer(tokenizer).withDefinitionStyle(DefinitionStyle.COMPACT)
          .assemble(PersonaFiles.load(CAPTAIN), Conversation.empty(), "User", Integer.MAX_VALUE).text();
      assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), r.out());
    }
  }

  @Test
  void personaWithBaseModelShowsSectionsAndStopStrings() throws IOException {
    Path model = MODELS.resolve("gpt2");
    Path conversation = write("conv.yaml", """
        - {role: user, content: "Ahoy, captain! Is that your ship?"}
        - {role: character, content: "Aye, the Gull's Wager. Mind the ropes."}
        - {role: user, content: "Where is Tobin today?"}
        """);
    Run r = run("template", "--persona", CAPTAIN.toString(), "--model", model.toString(),
        "--conversation", conversation.toString(), "--user", "Ann", "--show-sections");
    assertEquals(0, r.exit(), r.err());
    String text = r.text();
    assertTrue(text.endsWith("\nAnn: Where is Tobin today?\nMara:"), text);
    assertTrue(r.err().contains("stop strings: [\"\\nAnn:\",\"\\nMara:\""), r.err());
    // Tobin is named in the conversation: his lorebook entry is triggered.
    assertTrue(text.contains("Tobin is the first mate"), text);
    int total;
    try (Tokenizer tokenizer = Tokenizer.load(model)) {
      total = tokenizer.encode(text, true).length;
    }
    Matcher header = Pattern.compile("base-model framing, (\\d+) tokens").matcher(r.err());
    assertTrue(header.find(), r.err());
    assertEquals(total, Integer.parseInt(header.group(1)));
    int sum = 0;
    int end = 0;
    Matcher section = Pattern.compile("  (\\w+) +\\[(\\d+), (\\d+)\\) (\\d+) tokens").matcher(r.err());
    while (section.find()) {
      assertEquals(end, Integer.parseInt(section.group(2)), "sections tile the prompt");
      end = Integer.parseInt(section.group(3));
      sum += Integer.parseInt(section.group(4));
    }
    assertEquals(total, sum);
    assertTrue(r.err().contains("  HISTORY "), r.err());
    assertTrue(r.err().contains("  LORE "), r.err());

    // Under a tighter budget the oldest turn goes first; the latest user turn stays.
    Run trimmed = run("template", "--persona", CAPTAIN.toString(), "--model", model.toString(),
        "--conversation", conversation.toString(), "--user", "Ann", "--budget", String.valueOf(total - 10),
        "--show-sections");
    assertEquals(0, trimmed.exit(), trimmed.err());
    assertFalse(trimmed.text().contains("Is that your ship?"), trimmed.text());
    assertTrue(trimmed.text().endsWith("\nAnn: Where is Tobin today?\nMara:"), trimmed.text());
    assertTrue(trimmed.err().contains("dropped 1"), trimmed.err());

    String tooSmall = failure("template", "--persona", CAPTAIN.toString(), "--model", model.toString(),
        "--conversation", conversation.toString(), "--budget", "100");
    assertTrue(tooSmall.contains("budget is 100"), tooSmall);
  }

  @Test
  void personaWithoutModelPrintsTheTextFramedByTheTemplate() throws IOException {
    Run r = run("template", "--persona", CAPTAIN.toString(), "--builtin", "llama3", "--bos", "<|begin_of_text|>",
        "--show-sections");
    assertEquals(0, r.exit(), r.err());
    String text = r.text();
    assertTrue(text.startsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"), text);
    assertTrue(text.endsWith("<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"), text);
    assertTrue(text.contains("Captain Mara Vell"), text);
    // Without a tokenizer sizes are UTF-8 bytes, the BOS string counting as one.
    int bytes = text.getBytes(StandardCharsets.UTF_8).length - "<|begin_of_text|>".length() + 1;
    assertTrue(r.err().startsWith("chat-template framing, " + bytes + " bytes"), r.err());

    Run base = run("template", "--persona", CAPTAIN.toString());
    assertEquals(0, base.exit(), base.err());
    assertTrue(base.text().endsWith("## Transcript\nMara:"), base.text());
  }

  @Test
  void aBundledPersonaIdWorksAsInEveryOtherCommand() {
    Run byId = run("template", "--persona", "captain", "--builtin", "chatml");
    assertEquals(0, byId.exit(), byId.err());
    assertArrayEquals(run("template", "--persona", CAPTAIN.toString(), "--builtin", "chatml").out(), byId.out());
    assertTrue(byId.text().contains("Captain Mara Vell"), byId.text());
    // The same resolution as reply's --persona: a bundled id is case-insensitive, an unknown one lists the ids.
    assertArrayEquals(byId.out(), run("template", "--persona", "Captain", "--builtin", "chatml").out());
    String unknown = failure("template", "--persona", "pirate", "--builtin", "chatml");
    assertTrue(unknown.startsWith("persona 'pirate': no such file, and not a bundled persona [captain, detective,"),
        unknown);
  }

  @Test
  void aCharacterCardGivesTheSamePromptAsThePersonaFile() throws IOException {
    Persona persona = PersonaFiles.load(CAPTAIN);
    Path card = dir.resolve("captain.card.json");
    CharacterCards.writeJson(persona, CharacterCards.Spec.V2, card);
    Run fromFile = run("template", "--persona", CAPTAIN.toString(), "--builtin", "chatml");
    Run fromCard = run("template", "--persona", card.toString(), "--builtin", "chatml");
    assertEquals(0, fromCard.exit(), fromCard.err());
    assertArrayEquals(fromFile.out(), fromCard.out());
  }

  @Test
  void badConversationAndPersonaFilesAreTypedErrors() throws IOException {
    Path conversation = write("conv.yaml", "- {role: user, content: hi}\n- {role: narrator, content: x}\n");
    String error = failure("template", "--persona", CAPTAIN.toString(), "--conversation", conversation.toString());
    assertTrue(error.startsWith(conversation + ": [1].role (line 2, column 10): unknown role \"narrator\""), error);

    Path persona = write("p.yaml", "schema: persona4j/v1\nname: [not, a, string]\n");
    error = failure("template", "--persona", persona.toString(), "--builtin", "chatml");
    assertTrue(error.startsWith(persona + ": name (line 2"), error);
  }
}
