package dev.persona4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the reference {@code chat_templates.json}, rendered by transformers' apply_chat_template:
 * the output must match byte for byte, and refusals must carry the template's own message.
 *
 * <p>The cases hold third-party templates and live outside the repository, in
 * {@code ../shared/fixtures/hf-reference/} beside it; where that folder is absent the test is skipped.
 */
class TemplateParityTest {
  private static final String ERROR_PREFIX = "TemplateError: ";

  @TestFactory
  Stream<DynamicTest> rendersLikeTransformers() {
    Optional<Path> shared = TestFiles.sharedReference();
    Assumptions.assumeTrue(shared.isPresent() && shared.get().resolve("chat_templates.json").toFile().isFile(),
        "SKIPPED: ../shared/fixtures/hf-reference/chat_templates.json is not beside the repository root");
    JsonNode root = TestFiles.readJson(shared.get().resolve("chat_templates.json"));
    List<DynamicTest> tests = new ArrayList<>();
    int index = 0;
    for (JsonNode c : root.get("cases")) {
      String name = String.format("%03d %s/%s %s%s", index++, c.get("template").asText(), c.get("variant").asText(),
          c.get("conversation").asText(), c.get("add_generation_prompt").asBoolean() ? " +generation prompt" : "");
      tests.add(DynamicTest.dynamicTest(name, () -> check(c)));
    }
    assertEquals(280, tests.size(), "the fixture's case count");
    return tests.stream();
  }

  private static void check(JsonNode c) {
    ChatTemplate template = ChatTemplate.compile(c.get("template_source").asText());
    List<Map<String, Object>> messages = TestFiles.JSON.convertValue(c.get("messages"),
        new TypeReference<List<Map<String, Object>>>() {});
    Map<String, Object> variables = Map.of("bos_token", c.get("bos_token").asText(),
        "eos_token", c.get("eos_token").asText());
    boolean generationPrompt = c.get("add_generation_prompt").asBoolean();
    if (c.has("expected")) {
      assertEquals(c.get("expected").asText(), template.render(messages, generationPrompt, variables));
    } else {
      String expected = c.get("error").asText();
      TemplateException e = assertThrows(TemplateException.class,
          () -> template.render(messages, generationPrompt, variables));
      assertTrue(e.raisedByTemplate(), "raised through raise_exception: " + e.getMessage());
      assertTrue(expected.startsWith(ERROR_PREFIX), expected);
      assertEquals(expected.substring(ERROR_PREFIX.length()), e.templateMessage());
      assertFalse(e.getMessage().isEmpty());
    }
  }
}
