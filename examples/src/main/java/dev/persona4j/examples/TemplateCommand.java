package dev.persona4j.examples;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.serialization.node.LocationJsonNodeFactoryFactory;
import com.networknt.schema.serialization.node.TokenStreamLocationAware;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFormatException;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.Prompt;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.core.prompt.Section;
import dev.persona4j.examples.demo.ByteLevelBpe;
import dev.persona4j.internal.Json;
import dev.persona4j.tokenizers.ChatTemplate;
import dev.persona4j.tokenizers.TemplateException;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Shows exactly what a model would be given: a chat template rendered over a messages file (as
 * transformers' {@code apply_chat_template(..., tokenize=False)} renders it), or the prompt
 * {@link PromptAssembler} builds for a persona, a conversation and a model.
 *
 * <p>The rendering goes to stdout byte for byte (UTF-8, nothing added), so it can be diffed against
 * Python's output. Failures are typed errors, printed by {@link Persona4jCli} as one line on stderr with
 * exit code 1: a template's {@code raise_exception} message exactly as the template gave it; any other
 * template error as {@code FILE:LINE: message}; input files with their field path, line and column.
 */
@Command(
    name = "template",
    sortOptions = false,
    description = {
        "Render a chat template over a messages file, or print the prompt assembled for a persona.",
        "The text goes to stdout exactly (UTF-8, no newline added); errors go to stderr, exit code 1."},
    footer = {
        "",
        "Forms:",
        "  template (--template FILE.jinja | --builtin NAME | --model DIR)",
        "           --messages FILE.json [--add-generation-prompt] [--bos S] [--eos S]",
        "  template --persona ID|FILE.yaml|card.json|card.png",
        "           [--model DIR] [--template FILE.jinja | --builtin NAME]",
        "           [--conversation FILE.json|.yaml] [--user NAME] [--budget N]",
        "           [--show-sections] [--bos S --eos S (without --model)]",
        "",
        "Messages: a JSON list of {\"role\", \"content\", any other key}, or an object",
        "{\"messages\": [...]} whose other keys (e.g. \"tools\") become template variables.",
        "Which roles are acceptable is the template's decision.",
        "",
        "--persona with --model uses the model's tokenizer and chat template (else",
        "base-model framing); --template or --builtin replace the template. Without",
        "--model there is no tokenizer: the text is printed, framed by the template or",
        "else by base-model framing, and --budget and --show-sections count UTF-8 bytes",
        "(a --bos/--eos string counts as one)."})
final class TemplateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--template", paramLabel = "FILE.jinja", description = "A Jinja chat template file.")
  Path templateFile;

  @Option(names = "--builtin", paramLabel = "NAME",
      description = "A built-in template: chatml, llama3, llama2, mistral, gemma, phi3, alpaca.")
  String builtin;

  @Option(names = "--model", paramLabel = "DIR",
      description = "A Hugging Face model directory: its tokenizer, special tokens and chat template.")
  Path model;

  @Option(names = "--messages", paramLabel = "FILE.json", description = "Messages to render (JSON).")
  Path messagesFile;

  @Option(names = "--add-generation-prompt",
      description = "End with the header that opens the assistant's reply (messages form).")
  boolean addGenerationPrompt;

  @Option(names = "--bos", paramLabel = "S",
      description = "bos_token for the template (default: the model's; else undefined).")
  String bos;

  @Option(names = "--eos", paramLabel = "S",
      description = "eos_token for the template (default: the model's; else undefined).")
  String eos;

  @Option(names = "--persona", paramLabel = "ID|FILE",
      description = "A bundled persona id (captain, detective, gardener, naturalist), a persona file (.yaml, .yml,"
          + " .json) or a Character Card (.json, .png), as every command takes it.")
  String personaIdOrFile;

  @Option(names = "--conversation", paramLabel = "FILE",
      description = "The conversation so far (.json or .yaml; roles user and character).")
  Path conversationFile;

  @Option(names = "--user", paramLabel = "NAME", defaultValue = "User",
      description = "The user's name ({{user}}, transcript label). Default: ${DEFAULT-VALUE}.")
  String user;

  @Option(names = "--budget", paramLabel = "N",
      description = "The most tokens the prompt may take (default: no limit).")
  Integer budget;

  @Option(names = "--show-sections",
      description = "Print each section's kind, token range and count, and the stop strings, to stderr.")
  boolean showSections;

  @Override
  public Integer call() {
    checkUsage();
    String text = personaIdOrFile != null ? assemble(System.err) : renderMessages();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    PrintStream out = System.out;
    out.write(bytes, 0, bytes.length);
    out.flush();
    if (out.checkError()) {
      throw new Persona4jException("could not write the output");
    }
    return 0;
  }

  private void checkUsage() {
    CommandLine cli = spec.commandLine();
    if ((messagesFile == null) == (personaIdOrFile == null)) {
      throw new CommandLine.ParameterException(cli, "give either --messages FILE or --persona ID|FILE");
    }
    if (templateFile != null && builtin != null) {
      throw new CommandLine.ParameterException(cli, "--template and --builtin are alternatives: give one");
    }
    if (builtin != null && !ChatTemplate.builtinNames().contains(builtin)) {
      throw new CommandLine.ParameterException(cli,
          "no built-in template named '" + builtin + "'; known: " + String.join(", ", ChatTemplate.builtinNames()));
    }
    if (messagesFile != null) {
      if (templateFile == null && builtin == null && model == null) {
        throw new CommandLine.ParameterException(cli,
            "--messages needs --template FILE, --builtin NAME or --model DIR");
      }
      for (Map.Entry<String, Boolean> o : Map.of("--conversation", conversationFile != null,
          "--budget", budget != null, "--show-sections", showSections).entrySet()) {
        if (o.getValue()) {
          throw new CommandLine.ParameterException(cli, o.getKey() + " applies to --persona, not --messages");
        }
      }
    } else {
      if (addGenerationPrompt) {
        throw new CommandLine.ParameterException(cli,
            "--add-generation-prompt applies to --messages: an assembled prompt always ends with the"
                + " generation prompt");
      }
      if (model != null && (bos != null || eos != null)) {
        throw new CommandLine.ParameterException(cli,
            "with --persona and --model the special tokens are the model's: drop --bos/--eos");
      }
      if (budget != null && budget <= 0) {
        throw new CommandLine.ParameterException(cli, "--budget must be positive, got " + budget);
      }
      if (user.isBlank()) {
        throw new CommandLine.ParameterException(cli, "--user must not be blank");
      }
    }
  }

  // ------------------------------------------------------------------------------------------ messages form

  private String renderMessages() {
    Messages messages = Messages.read(messagesFile);
    if (model == null) {
      Source source = templateSource(null);
      return render(source, messages, bos, eos);
    }
    try (Tokenizer tokenizer = Tokenizer.load(model)) {
      Source source = templateSource(tokenizer);
      return render(source, messages, bos != null ? bos : tokenizer.bosToken().orElse(null),
          eos != null ? eos : tokenizer.eosToken().orElse(null));
    }
  }

  private String render(Source source, Messages messages, String bosToken, String eosToken) {
    Map<String, Object> variables = new LinkedHashMap<>(messages.variables());
    // The command line's special tokens win over same-named keys of the messages file.
    if (bosToken != null) {
      variables.put("bos_token", bosToken);
    }
    if (eosToken != null) {
      variables.put("eos_token", eosToken);
    }
    try {
      return source.template().render(messages.messages(), addGenerationPrompt, variables);
    } catch (TemplateException e) {
      throw new TemplateFailure(source.origin(), undefinedSpecialTokens(source, messages, variables, e));
    } catch (IllegalArgumentException e) {
      throw new PersonaFormatException(messagesFile.toString(), "", -1, -1, e.getMessage(), e);
    }
  }

  /**
   * Without a model there is no tokenizer to supply {@code bos_token} and {@code eos_token}, and a template
   * that concatenates one fails as in transformers, with an undefined value (Python's {@code NoneType}). When
   * the render succeeds with the absent tokens bound, they were the cause: the failure then names them and
   * the options that supply them; any other failure is returned unchanged.
   */
  private TemplateException undefinedSpecialTokens(Source source, Messages messages, Map<String, Object> variables,
      TemplateException failure) {
    Map<String, String> options = new LinkedHashMap<>();
    for (Map.Entry<String, String> token : List.of(Map.entry("bos_token", "--bos"), Map.entry("eos_token", "--eos"))) {
      if (!variables.containsKey(token.getKey()) && source.template().source().contains(token.getKey())) {
        options.put(token.getKey(), token.getValue());
      }
    }
    if (failure.raisedByTemplate() || options.isEmpty()) {
      return failure;
    }
    Map<String, Object> bound = new LinkedHashMap<>(variables);
    options.keySet().forEach(name -> bound.put(name, ""));
    try {
      source.template().render(messages.messages(), addGenerationPrompt, bound);
    } catch (TemplateException | IllegalArgumentException stillFailing) {
      return failure;
    }
    boolean one = options.size() == 1;
    return new TemplateException(String.join(" and ", options.keySet()) + (one ? " is" : " are") + " undefined: give "
        + String.join(" and ", options.values().stream().map(o -> o + " S").toList())
        + (one ? " (the model tokenizer's text)" : " (the model tokenizer's texts)") + " or --model DIR",
        false, failure.line().orElse(0), failure);
  }

  /** The template the options name; with a tokenizer and neither --template nor --builtin, the model's. */
  private Source templateSource(Tokenizer tokenizer) {
    if (templateFile != null) {
      String text = readTemplateFile(templateFile);
      try {
        return new Source(ChatTemplate.compile(text), templateFile.toString());
      } catch (TemplateException e) {
        throw new TemplateFailure(templateFile.toString(), e);
      }
    }
    if (builtin != null) {
      return new Source(ChatTemplate.builtin(builtin), "built-in template " + builtin);
    }
    if (tokenizer == null) {
      return null;
    }
    String origin = "chat template of " + model;
    String text = tokenizer.chatTemplate().orElseThrow(() -> new TemplateFailure(origin,
        new TemplateException("the model has no chat template; give --template FILE or --builtin NAME", false, 0)));
    try {
      return new Source(ChatTemplate.compile(text), origin);
    } catch (TemplateException e) {
      throw new TemplateFailure(origin, e);
    }
  }

  private static String readTemplateFile(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new TemplateFailure(file.toString(), new TemplateException("not valid UTF-8 text", false, 0, e));
    } catch (IOException e) {
      throw new TemplateFailure(file.toString(),
          new TemplateException("cannot read the template file: " + e, false, 0, e));
    }
  }

  // ------------------------------------------------------------------------------------------- persona form

  private String assemble(PrintStream err) {
    Persona persona = Workspace.persona(personaIdOrFile);
    Conversation conversation = conversationFile == null ? Conversation.empty() : Conversation.load(conversationFile);
    Source explicit = templateSource(null);
    boolean counted = model != null;
    try (Tokenizer tokenizer = counted ? Tokenizer.load(model) : ByteTokenizer.create(bos, eos)) {
      Source source = explicit != null || !counted || tokenizer.chatTemplate().isEmpty()
          ? explicit : templateSource(tokenizer);
      PromptAssembler assembler = source != null
          ? PromptAssembler.chat(tokenizer, source.template())
          : PromptAssembler.base(tokenizer);
      if (counted) {
        // What reply sends: the definition style of the model's profile (persona4j.json).
        assembler = assembler.withDefinitionStyle(ModelProfile.read(model).definitionStyle());
      }
      Prompt prompt;
      try {
        prompt = assembler.assemble(persona, conversation, user, budget == null ? Integer.MAX_VALUE : budget);
      } catch (TemplateException e) {
        throw new TemplateFailure(source == null ? String.valueOf(model) : source.origin(), e);
      }
      if (showSections) {
        printSections(err, prompt, counted ? "tokens" : "bytes", assembler.isBaseFraming());
      }
      return prompt.text();
    }
  }

  private static void printSections(PrintStream err, Prompt prompt, String unit, boolean baseFraming) {
    err.printf("%s framing, %d %s%n", baseFraming ? "base-model" : "chat-template", prompt.size(), unit);
    for (Section s : prompt.sections()) {
      err.printf("  %-18s [%d, %d) %d %s%n", s.kind(), s.start(), s.end(), s.length(), unit);
    }
    err.printf("history turns kept %d, dropped %d; example dialogues kept %d; lore entries %d%n",
        prompt.historyTurnsKept(), prompt.historyTurnsDropped(), prompt.exampleDialoguesKept(),
        prompt.loreEntries().size());
    err.println("stop strings: " + json(prompt.stopStrings())
        + (baseFraming ? "" : " (chat template: the model's end-of-turn tokens end the reply)"));
    err.flush();
  }

  private static String json(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A compiled template and where it came from, for error messages. */
  private record Source(ChatTemplate template, String origin) {}

  /**
   * A template failure with the template's origin. A template's own {@code raise_exception} message is
   * reported exactly as given; anything else as {@code ORIGIN:LINE: message}.
   */
  private static final class TemplateFailure extends Persona4jException {
    TemplateFailure(String origin, TemplateException failure) {
      super(describe(origin, failure), failure);
    }

    private static String describe(String origin, TemplateException failure) {
      if (failure.raisedByTemplate()) {
        return failure.templateMessage();
      }
      String line = failure.line().isPresent() ? ":" + failure.line().getAsInt() : "";
      return origin + line + ": " + failure.templateMessage();
    }
  }

  /**
   * Without a model there is no tokenizer, yet the assembler measures everything in tokens: a byte-level
   * tokenizer (one token per UTF-8 byte, no merges; {@code bos}/{@code eos} as special tokens) makes those
   * measures byte counts. Written to a temporary directory only because the native library loads files.
   */
  static final class ByteTokenizer {
    private ByteTokenizer() {}

    static Tokenizer create(String bos, String eos) {
      Map<String, Object> vocab = new LinkedHashMap<>();
      for (int b = 0; b < 256; b++) {
        // GPT-2's reversible byte-to-character map, which the ByteLevel pre-tokenizer applies.
        vocab.put(ByteLevelBpe.byteSymbol(b), b);
      }
      List<Map<String, Object>> added = new ArrayList<>();
      Map<String, Object> config = new LinkedHashMap<>();
      for (Map.Entry<String, String> special : specials(bos, eos)) {
        if (!special.getValue().isEmpty()
            && added.stream().noneMatch(t -> t.get("content").equals(special.getValue()))) {
          added.add(Map.of("id", 256 + added.size(), "content", special.getValue(), "single_word", false,
              "lstrip", false, "rstrip", false, "normalized", false, "special", true));
        }
        config.put(special.getKey(), special.getValue());
      }
      Map<String, Object> byteLevel = new LinkedHashMap<>();
      byteLevel.put("type", "ByteLevel");
      byteLevel.put("add_prefix_space", false);
      byteLevel.put("trim_offsets", false);
      byteLevel.put("use_regex", false);
      Map<String, Object> bpe = new LinkedHashMap<>();
      bpe.put("type", "BPE");
      bpe.put("dropout", null);
      bpe.put("unk_token", null);
      bpe.put("continuing_subword_prefix", null);
      bpe.put("end_of_word_suffix", null);
      bpe.put("fuse_unk", false);
      bpe.put("byte_fallback", false);
      bpe.put("vocab", vocab);
      bpe.put("merges", List.of());
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("version", "1.0");
      root.put("truncation", null);
      root.put("padding", null);
      root.put("added_tokens", added);
      root.put("normalizer", null);
      root.put("pre_tokenizer", byteLevel);
      root.put("post_processor", null);
      root.put("decoder", byteLevel);
      root.put("model", bpe);
      Path dir = null;
      try {
        dir = Files.createTempDirectory("persona4j-bytes");
        Files.writeString(dir.resolve("tokenizer.json"), json(root), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), json(config), StandardCharsets.UTF_8);
        return Tokenizer.load(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write a temporary tokenizer", e);
      } finally {
        deleteQuietly(dir);
      }
    }

    private static List<Map.Entry<String, String>> specials(String bos, String eos) {
      List<Map.Entry<String, String>> out = new ArrayList<>();
      if (bos != null) {
        out.add(Map.entry("bos_token", bos));
      }
      if (eos != null) {
        out.add(Map.entry("eos_token", eos));
      }
      return out;
    }

    private static void deleteQuietly(Path dir) {
      if (dir == null) {
        return;
      }
      try {
        Files.deleteIfExists(dir.resolve("tokenizer.json"));
        Files.deleteIfExists(dir.resolve("tokenizer_config.json"));
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        dir.toFile().deleteOnExit();
      }
    }
  }

  // ---------------------------------------------------------------------------------------- messages file

  /**
   * A messages file as transformers takes messages: a JSON list of message objects, or an object whose
   * {@code messages} field is that list and whose other fields are further template variables. Values are
   * kept as they are (structured content, tool calls, any extra key); only the shape is checked here,
   * and which roles are acceptable is the template's decision.
   */
  record Messages(List<Map<String, Object>> messages, Map<String, Object> variables) {

    static Messages read(Path file) {
      String source = file.toString();
      JsonNode root = readTree(file);
      JsonNode list = root;
      String listPath = "";
      Map<String, Object> variables = new LinkedHashMap<>();
      if (root.isObject()) {
        if (!root.has("messages")) {
          throw error(source, "", root, "expected a \"messages\" field holding the list of messages");
        }
        list = root.get("messages");
        listPath = "messages";
        root.fields().forEachRemaining(f -> {
          if (!"messages".equals(f.getKey())) {
            variables.put(f.getKey(), plain(f.getValue()));
          }
        });
      }
      if (!list.isArray()) {
        throw error(source, listPath, list, root.isObject() ? "expected a list of messages, found " + describe(list)
            : "expected a list of messages or an object with a \"messages\" list, found " + describe(list));
      }
      List<Map<String, Object>> messages = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        String path = listPath + "[" + i + "]";
        JsonNode m = list.get(i);
        if (!m.isObject()) {
          throw error(source, path, m, "expected a message object, found " + describe(m));
        }
        JsonNode role = m.get("role");
        if (role == null || role.isNull()) {
          throw error(source, role == null ? path : path + ".role", role == null ? m : role,
              "a message needs a \"role\" string");
        }
        if (!role.isTextual() || role.textValue().isEmpty()) {
          throw error(source, path + ".role", role, "the role must be a non-empty string, found " + describe(role));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> message = (Map<String, Object>) plain(m);
        messages.add(message);
      }
      return new Messages(List.copyOf(messages), variables);
    }

    /** Reads the file with the shared mapper into a tree whose nodes remember where they start. */
    private static JsonNode readTree(Path file) {
      String source = file.toString();
      try (JsonParser p = Json.mapper().createParser(Files.readAllBytes(file))) {
        JsonNode root = Json.mapper().reader(LocationJsonNodeFactoryFactory.getInstance().getJsonNodeFactory(p))
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(p);
        if (root == null || root.isMissingNode()) {
          throw new PersonaFormatException(source, "", -1, -1,
              "empty file: expected a list of messages or an object with a \"messages\" list");
        }
        return root;
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        throw new PersonaFormatException(source, e.getProcessor() instanceof JsonParser p ? pathOf(p) : "",
            at == null ? -1 : at.getLineNr(),
            at == null ? -1 : at.getColumnNr(), "malformed JSON: " + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new PersonaFormatException(source, "", -1, -1, "cannot read the messages file: " + e, e);
      }
    }

    /** Where a parser is, as a field path ({@code messages[1].role}). */
    private static String pathOf(JsonParser p) {
      StringBuilder path = new StringBuilder();
      for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
        if (c.inArray() || c.getCurrentName() != null) {
          path.insert(0, c.inArray() ? "[" + c.getCurrentIndex() + "]"
              : (c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
        }
      }
      return path.toString();
    }

    /** A node as plain values for the template (maps keep key order). */
    private static Object plain(JsonNode node) {
      return Json.mapper().convertValue(node, Object.class);
    }

    private static PersonaFormatException error(String source, String path, JsonNode at, String problem) {
      JsonLocation l = at instanceof TokenStreamLocationAware a ? a.tokenStreamLocation() : null;
      return new PersonaFormatException(source, path, l == null ? -1 : l.getLineNr(), l == null ? -1 : l.getColumnNr(),
          problem);
    }

    private static String describe(JsonNode value) {
      if (value == null || value.isNull()) {
        return "null";
      }
      if (value.isTextual()) {
        return "a string";
      }
      if (value.isNumber()) {
        return "a number";
      }
      if (value.isBoolean()) {
        return "a boolean";
      }
      return value.isArray() ? "a list" : "an object";
    }
  }
}
