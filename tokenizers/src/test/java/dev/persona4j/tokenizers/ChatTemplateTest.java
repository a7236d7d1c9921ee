package dev.persona4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Built-in templates, the model's own templates end to end, and the failure modes of compile and render. */
class ChatTemplateTest {
  private static final List<ChatMessage> CONVERSATION = List.of(
      ChatMessage.system("You are Captain Brine."),
      ChatMessage.user("Ahoy!"),
      ChatMessage.assistant("Arr, welcome aboard."),
      ChatMessage.user("How is the sea?"));

  /**
   * Each family's published prompt format, written out by hand for a system + user + assistant + user
   * conversation: {with generation prompt, without}.
   */
  private static final Map<String, String[]> FORMATS = Map.of(
      "chatml", new String[] {
          "<|im_start|>system\nYou are Captain Brine.<|im_end|>\n<|im_start|>user\nAhoy!<|im_end|>\n"
              + "<|im_start|>assistant\nArr, welcome aboard.<|im_end|>\n<|im_start|>user\nHow is the sea?<|im_end|>\n"
              + "<|im_start|>assistant\n",
          "<|im_start|>system\nYou are Captain Brine.<|im_end|>\n<|im_start|>user\nAhoy!<|im_end|>\n"
              + "<|im_start|>assistant\nArr, welcome aboard.<|im_end|>\n<|im_start|>user\nHow is the sea?<|im_end|>\n"},
      "llama3", new String[] {
          "<s><|start_header_id|>system<|end_header_id|>\n\nYou are Captain Brine.<|eot_id|>"
              + "<|start_header_id|>user<|end_header_id|>\n\nAhoy!<|eot_id|>"
              + "<|start_header_id|>assistant<|end_header_id|>\n\nArr, welcome aboard.<|eot_id|>"
              + "<|start_header_id|>user<|end_header_id|>\n\nHow is the sea?<|eot_id|>"
              + "<|start_header_id|>assistant<|end_header_id|>\n\n",
          "<s><|start_header_id|>system<|end_header_id|>\n\nYou are Captain Brine.<|eot_id|>"
              + "<|start_header_id|>user<|end_header_id|>\n\nAhoy!<|eot_id|>"
              + "<|start_header_id|>assistant<|end_header_id|>\n\nArr, welcome aboard.<|eot_id|>"
              + "<|start_header_id|>user<|end_header_id|>\n\nHow is the sea?<|eot_id|>"},
      // "[/INST]" is itself the cue for the reply: no separate generation prompt.
      "llama2", new String[] {
          "<s>[INST] <<SYS>>\nYou are Captain Brine.\n<</SYS>>\n\nAhoy! [/INST] Arr, welcome aboard. </s>"
              + "<s>[INST] How is the sea? [/INST]",
          "<s>[INST] <<SYS>>\nYou are Captain Brine.\n<</SYS>>\n\nAhoy! [/INST] Arr, welcome aboard. </s>"
              + "<s>[INST] How is the sea? [/INST]"},
      "mistral", new String[] {
          "<s>[INST] You are Captain Brine.\n\nAhoy! [/INST] Arr, welcome aboard.</s>[INST] How is the sea? [/INST]",
          "<s>[INST] You are Captain Brine.\n\nAhoy! [/INST] Arr, welcome aboard.</s>[INST] How is the sea? [/INST]"},
      "gemma", new String[] {
          "<s><start_of_turn>user\nYou are Captain Brine.\n\nAhoy!<end_of_turn>\n"
              + "<start_of_turn>model\nArr, welcome aboard.<end_of_turn>\n"
              + "<start_of_turn>user\nHow is the sea?<end_of_turn>\n<start_of_turn>model\n",
          "<s><start_of_turn>user\nYou are Captain Brine.\n\nAhoy!<end_of_turn>\n"
              + "<start_of_turn>model\nArr, welcome aboard.<end_of_turn>\n"
              + "<start_of_turn>user\nHow is the sea?<end_of_turn>\n"},
      "phi3", new String[] {
          "<|system|>\nYou are Captain Brine.<|end|>\n<|user|>\nAhoy!<|end|>\n<|assistant|>\nArr, welcome aboard.<|end|>\n"
              + "<|user|>\nHow is the sea?<|end|>\n<|assistant|>\n",
          "<|system|>\nYou are Captain Brine.<|end|>\n<|user|>\nAhoy!<|end|>\n<|assistant|>\nArr, welcome aboard.<|end|>\n"
              + "<|user|>\nHow is the sea?<|end|>\n</s>"},
      "alpaca", new String[] {
          "<s>You are Captain Brine.\n\n### Instruction:\nAhoy!\n\n### Response:\nArr, welcome aboard.</s>\n\n"
              + "### Instruction:\nHow is the sea?\n\n### Response:\n",
          "<s>You are Captain Brine.\n\n### Instruction:\nAhoy!\n\n### Response:\nArr, welcome aboard.</s>\n\n"
              + "### Instruction:\nHow is the sea?\n\n"});

  @ParameterizedTest
  @ValueSource(strings = {"chatml", "llama3", "llama2", "mistral", "gemma", "phi3", "alpaca"})
  void builtinTemplatesRenderTheFamilyFormat(String name) {
    ChatTemplate template = ChatTemplate.builtin(name);
    assertEquals(name, template.builtinName().orElseThrow());
    assertEquals(FORMATS.get(name)[0], template.render(CONVERSATION, true, "<s>", "</s>"));
    assertEquals(FORMATS.get(name)[1], template.render(CONVERSATION, false, "<s>", "</s>"));
  }

  @Test
  void builtinTemplatesWithoutSystemMessage() {
    List<ChatMessage> userOnly = List.of(ChatMessage.user("  Ahoy!  "));
    assertEquals("<|im_start|>user\n  Ahoy!  <|im_end|>\n<|im_start|>assistant\n",
        ChatTemplate.builtin("chatml").render(userOnly, true, null, null));
    assertEquals("<start_of_turn>user\nAhoy!<end_of_turn>\n<start_of_turn>model\n",
        ChatTemplate.builtin("gemma").render(userOnly, true, null, null), "no BOS when the tokenizer has none");
    assertEquals("<s>[INST] Ahoy! [/INST]", ChatTemplate.builtin("llama2").render(userOnly, true, "<s>", "</s>"));
    assertEquals("<s>Below is an instruction that describes a task. Write a response that appropriately completes"
        + " the request.\n\n### Instruction:\nAhoy!\n\n### Response:\n",
        ChatTemplate.builtin("alpaca").render(userOnly, true, "<s>", "</s>"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama2", "mistral", "gemma", "alpaca"})
  void builtinTemplatesRefuseBrokenAlternation(String name) {
    List<ChatMessage> twoUsers = List.of(ChatMessage.user("one"), ChatMessage.user("two"));
    TemplateException e = assertThrows(TemplateException.class,
        () -> ChatTemplate.builtin(name).render(twoUsers, true, "<s>", "</s>"));
    assertTrue(e.raisedByTemplate());
    assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.templateMessage());
  }

  @Test
  void builtinNames() {
    assertEquals(Set.of("chatml", "llama3", "llama2", "mistral", "gemma", "phi3", "alpaca"),
        ChatTemplate.builtinNames());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.builtin("vicuna"));
    assertTrue(e.getMessage().contains("vicuna"));
  }

  /** The models' own templates render the prompt transformers rendered and encoded for prompt 3. */
  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "phi3", "qwen3"})
  void modelTemplatesRenderAndEncodeLikeTransformers(String model) {
    Path dir = TestFiles.resource("models/" + model);
    JsonNode prompt = TestFiles.readJson(dir.resolve("expected.json")).get("prompts").get(3);
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      ChatTemplate template = ChatTemplate.compile(tokenizer.chatTemplate().orElseThrow());
      String text = template.render(List.of(ChatMessage.system("You are Captain Brine, a retired pirate."),
          ChatMessage.user("What do you think of the sea today?")), true,
          tokenizer.bosToken().orElse(null), tokenizer.eosToken().orElse(null));
      assertEquals(prompt.get("text").asText(), text);
      assertArrayEquals(TestFiles.readI64(dir.resolve("expected.safetensors"), "p3.input_ids"),
          tokenizer.encode(text, false));
    }
  }

  @Test
  void syntaxErrorsAreReportedAtCompileWithTheirLine() {
    TemplateException unclosed = assertThrows(TemplateException.class,
        () -> ChatTemplate.compile("hello\n{% for m in messages %}\n{{ m.content }}\n"));
    assertFalse(unclosed.raisedByTemplate());
    assertTrue(unclosed.getMessage().contains("endfor"), unclosed.getMessage());
    assertEquals(2, unclosed.line().orElseThrow());

    // In a branch no conversation would reach, as Jinja reports it when compiling.
    TemplateException expression = assertThrows(TemplateException.class,
        () -> ChatTemplate.compile("{% if false %}\n\n{{ 'a' + }}\n{% endif %}"));
    assertFalse(expression.raisedByTemplate());
    assertEquals(3, expression.line().orElseThrow());

    TemplateException mismatched = assertThrows(TemplateException.class,
        () -> ChatTemplate.compile("{% if x %}{% endfor %}"));
    assertTrue(mismatched.getMessage().contains("endfor"), mismatched.getMessage());

    TemplateException unknownTag = assertThrows(TemplateException.class, () -> ChatTemplate.compile("{% frobnicate %}"));
    assertTrue(unknownTag.getMessage().contains("frobnicate"), unknownTag.getMessage());

    TemplateException filter = assertThrows(TemplateException.class,
        () -> ChatTemplate.compile("line one\n{{ messages | shout }}"));
    assertEquals("No filter named 'shout'", filter.templateMessage());
    assertEquals(2, filter.line().orElseThrow());

    TemplateException test = assertThrows(TemplateException.class,
        () -> ChatTemplate.compile("{% if x is shouting %}{% endif %}"));
    assertEquals("No test named 'shouting'", test.templateMessage());

    // A "|" or "is" inside a string literal is text, not a filter or a test.
    assertEquals("a | b is c", ChatTemplate.compile("{{ 'a | b is c' }}").render(List.of(), false, Map.of()));
  }

  @Test
  void renderFailuresThatAreNotTheTemplatesOwn() {
    ChatTemplate template = ChatTemplate.compile("{{ messages[0].content.no_such_method() }}");
    TemplateException e = assertThrows(TemplateException.class,
        () -> template.render(List.of(ChatMessage.user("hi")), false, null, null));
    assertFalse(e.raisedByTemplate());
    assertTrue(e.getMessage().contains("no_such_method"), e.getMessage());

    ChatTemplate mutating = ChatTemplate.compile("{% set x = messages.append(1) %}");
    e = assertThrows(TemplateException.class, () -> mutating.render(List.of(), false, null, null));
    assertTrue(e.getMessage().contains("unsafe"), e.getMessage());
  }

  @Test
  void raiseExceptionCarriesTheTemplatesMessage() {
    ChatTemplate template = ChatTemplate.compile(
        "{% for m in messages %}\n{% if m.role == 'tool' %}\n{{ raise_exception('No tools for ' ~ m.name) }}\n"
            + "{% endif %}\n{% endfor %}");
    ChatMessage tool = ChatMessage.fromMap(Map.of("role", "tool", "content", "42", "name", "calculator"));
    TemplateException e = assertThrows(TemplateException.class,
        () -> template.render(List.of(ChatMessage.user("hi"), tool), false, null, null));
    assertTrue(e.raisedByTemplate());
    assertEquals("No tools for calculator", e.templateMessage());
    assertEquals(3, e.line().orElseThrow());
    assertTrue(e.getMessage().contains("No tools for calculator"));
  }

  @Test
  void strftimeNowFormatsTheLocalDate() {
    ChatTemplate template = ChatTemplate.compile("Today Date: {{ strftime_now('%d %b %Y') }} | {{ strftime_now('%Y-%m-%d') }}");
    LocalDate before = LocalDate.now();
    String out = template.render(List.of(), false, Map.of());
    LocalDate after = LocalDate.now();
    boolean matches = false;
    for (LocalDate day : new LocalDate[] {before, after}) {
      matches |= out.equals("Today Date: " + day.format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.US))
          + " | " + day.format(DateTimeFormatter.ISO_LOCAL_DATE));
    }
    assertTrue(matches, out);
  }

  /** Llama 3.1's template dates its system prompt only when {@code strftime_now is defined}. */
  @Test
  void globalFunctionsAreDefinedNames() {
    ChatTemplate template = ChatTemplate.compile("{%- if not date_string is defined %}\n"
        + "    {%- if strftime_now is defined %}\n"
        + "        {%- set date_string = strftime_now('%Y') %}\n"
        + "    {%- else %}\n"
        + "        {%- set date_string = '26 Jul 2024' %}\n"
        + "    {%- endif %}\n"
        + "{%- endif %}\n"
        + "Today Date: {{ date_string }}");
    String year = String.valueOf(LocalDate.now().getYear());
    String out = template.render(List.of(), true, Map.of());
    assertTrue(out.equals("Today Date: " + year) || out.equals("Today Date: " + LocalDate.now().getYear()), out);
    assertEquals("Today Date: 1 Jan 2000", template.render(List.of(), true, Map.of("date_string", "1 Jan 2000")));
  }

  @Test
  void templatesCannotReachJavaObjects() {
    for (String source : new String[] {"{{ 'x'.getClass() }}", "{{ messages.getClass().getName() }}",
        "{{ messages.toString().getClass().forName('java.lang.Runtime') }}"}) {
      ChatTemplate template = ChatTemplate.compile(source);
      TemplateException e = assertThrows(TemplateException.class,
          () -> template.render(List.of(ChatMessage.user("hi")), false, null, null), source);
      assertFalse(e.raisedByTemplate());
    }
  }

  @Test
  void messagesCarryExtraKeysAndStructuredValues() {
    ChatTemplate template = ChatTemplate.compile(
        "{% for m in messages %}{% if m.tool_calls %}{% for call in m.tool_calls %}"
            + "{{ call.function.name }}({{ call.function.arguments | tojson }}){% endfor %}"
            + "{% else %}{{ m.role }}: {{ m.content }}{% endif %}{{ '\\n' }}{% endfor %}{{ tools | length }} tools");
    Map<String, Object> call = Map.of("function",
        new LinkedHashMap<>(Map.of("name", "lookup", "arguments", Map.of("city", "Köln"))));
    List<Map<String, Object>> messages = new ArrayList<>();
    messages.add(Map.of("role", "user", "content", "Weather?"));
    Map<String, Object> assistant = new LinkedHashMap<>();
    assistant.put("role", "assistant");
    assistant.put("content", null);
    assistant.put("tool_calls", List.of(call));
    messages.add(assistant);
    String out = template.render(messages, false, Map.of("tools", List.of(Map.of("name", "lookup"))));
    assertEquals("user: Weather?\nlookup({\"city\": \"Köln\"})\n1 tools", out);

    ChatMessage fromMap = ChatMessage.fromMap(assistant);
    assertEquals(List.of(call), fromMap.extra().get("tool_calls"));
    assertEquals(assistant, fromMap.toMap());
  }

  @Test
  void badArgumentsAreRejected() {
    ChatTemplate template = ChatTemplate.builtin("chatml");
    assertThrows(IllegalArgumentException.class, () -> ChatTemplate.compile(null));
    assertThrows(IllegalArgumentException.class, () -> template.render((List<ChatMessage>) null, true, null, null));
    List<ChatMessage> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(IllegalArgumentException.class, () -> template.render(withNull, true, null, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> template.render(
        List.of(Map.of("role", "user", "content", "x")), true, Map.of("clock", new Object())));
    assertTrue(e.getMessage().contains("clock"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ChatMessage("", "x"));
    assertThrows(IllegalArgumentException.class, () -> ChatMessage.fromMap(Map.of("content", "no role")));
    assertThrows(IllegalArgumentException.class,
        () -> new ChatMessage("user", "x", Map.of("role", "assistant")));
  }

  @Test
  void rendersConcurrently() throws Exception {
    ChatTemplate template = ChatTemplate.builtin("llama3");
    String expected = FORMATS.get("llama3")[0];
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(() -> template.render(CONVERSATION, true, "<s>", "</s>")));
      }
      for (Future<String> f : results) {
        assertEquals(expected, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
