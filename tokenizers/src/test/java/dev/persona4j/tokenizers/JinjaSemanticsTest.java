package dev.persona4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Jinja features chat templates use beyond the reference templates (Python string and dict methods,
 * tests, namespace, loop controls, whitespace control, tojson, slicing, macros, truthiness ...), each
 * checked against what Jinja2 itself renders in transformers' environment ({@code jinja_semantics.json}
 * records the source, the variables, and Jinja2's output, the message of {@code raise_exception}
 * ("error"), or the message of the exception Python raised ("failure")).
 */
class JinjaSemanticsTest {

  @TestFactory
  Stream<DynamicTest> rendersLikeJinja2() {
    JsonNode root = TestFiles.readJson(TestFiles.resource("jinja_semantics.json"));
    Map<String, Object> variables = TestFiles.JSON.convertValue(root.get("variables"),
        new TypeReference<Map<String, Object>>() {});
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages = (List<Map<String, Object>>) variables.get("messages");
    Map<String, Object> extra = Map.of("bos_token", variables.get("bos_token"), "eos_token", variables.get("eos_token"));
    boolean generationPrompt = (Boolean) variables.get("add_generation_prompt");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      String source = c.get("source").asText();
      String name = source.length() > 70 ? source.substring(0, 70) + "..." : source;
      tests.add(DynamicTest.dynamicTest(name.replace('\n', ' '), () -> {
        ChatTemplate template = ChatTemplate.compile(source);
        if (c.has("expected")) {
          assertEquals(c.get("expected").asText(), template.render(messages, generationPrompt, extra));
        } else if (c.has("failure")) { // Python raised (e.g. a TypeError): so must we, with Python's message
          TemplateException e = assertThrows(TemplateException.class,
              () -> template.render(messages, generationPrompt, extra));
          assertFalse(e.raisedByTemplate(), e.getMessage());
          assertTrue(e.templateMessage().startsWith(c.get("failure").asText()), e.getMessage());
        } else {
          TemplateException e = assertThrows(TemplateException.class,
              () -> template.render(messages, generationPrompt, extra));
          assertTrue(e.raisedByTemplate(), e.getMessage());
          assertEquals(c.get("error").asText(), e.templateMessage());
        }
      }));
    }
    return tests.stream();
  }
}
