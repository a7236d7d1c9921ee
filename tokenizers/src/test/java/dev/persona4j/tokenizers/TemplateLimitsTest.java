package dev.persona4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Templates that try to exhaust the renderer fail with a {@link TemplateException} naming the limit
 * they hit: never a raw {@link StackOverflowError}, never empty output, never an unbounded render.
 */
class TemplateLimitsTest {
  private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("hello"));

  private static TemplateException fails(String source) {
    TemplateException e = assertThrows(TemplateException.class,
        () -> ChatTemplate.compile(source).render(HELLO, true, null, null));
    assertTrue(e.limitReached(), e.getMessage());
    return e;
  }

  @Test
  void deeplyNestedBlocksAreRejectedNotAStackOverflow() {
    String source = "{% if true %}".repeat(5_000) + "x" + "{% endif %}".repeat(5_000);
    TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.compile(source));
    assertTrue(e.getMessage().contains("nest") && e.getMessage().contains(String.valueOf(ChatTemplate.MAX_NESTING)),
        e.getMessage());
    // within the limit, nesting renders as Jinja does
    String fine = "{% if true %}".repeat(50) + "x" + "{% endif %}".repeat(50);
    assertEquals("x", ChatTemplate.compile(fine).render(HELLO, true, null, null));
  }

  @Test
  void infinitelyRecursiveMacroFailsLikeJinjaInsteadOfRenderingEmpty() {
    TemplateException e = fails("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
    assertTrue(e.getMessage().contains("recursion"), e.getMessage());
    // bounded recursion renders
    assertEquals("3210", ChatTemplate.compile(
        "{% macro f(n) %}{{ n }}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}")
        .render(HELLO, true, null, null));
  }

  /** A hang guard only: without a limit this runs 10^10 iterations. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void nestedLoopsStopAtTheIterationLimit() {
    TemplateException e = fails(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}done");
    assertTrue(e.getMessage().contains("loop iterations")
        && e.getMessage().contains(String.format("%,d", ChatTemplate.MAX_LOOP_ITERATIONS)), e.getMessage());
  }

  @Test
  void renderingStopsWhenTheCallerSaysSo() {
    ChatTemplate loops = ChatTemplate.compile("{% for i in range(100000) %}{{ i }}{% endfor %}");
    TemplateException e = assertThrows(TemplateException.class,
        () -> ChatTemplate.stoppingWhen(() -> true, () -> loops.render(HELLO, true, null, null)));
    assertTrue(e.getMessage().contains("stopped"), e.getMessage());
    // a short render finishes even when asked to stop: the condition is read every few thousand iterations
    assertEquals("012", ChatTemplate.stoppingWhen(() -> true,
        () -> ChatTemplate.compile("{% for i in range(3) %}{{ i }}{% endfor %}").render(HELLO, true, null, null)));
    assertEquals(488_890, ChatTemplate.stoppingWhen(() -> false, () -> loops.render(HELLO, true, null, null)).length());
  }

  /** Found by fuzzing: Jinjava threw its own exception out of the parse for a tag with no name. */
  @Test
  void aLongStringLiteralIsCheckedForFiltersWithoutOverflowingTheStack() {
    // found by ChatTemplateFuzzTest: a regex over string literals recursed once per character
    String literal = "'" + "ab".repeat(100_000) + "'";
    TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.compile("{{ " + literal + " | shout }}"));
    assertEquals("No filter named 'shout'", e.templateMessage());
    assertEquals("200000", ChatTemplate.compile("{{ " + literal + " | length }}").render(HELLO, true, null, null));
    // literals are blanked as before: complete ones (escapes included) become '', an unclosed quote stays
    assertEquals("'' | upper and '' ~ \"a", ChatTemplate.blankStringLiterals("'a|b' | upper and \"c\\\"d\" ~ \"a"));
    assertEquals("'\\'\\'x ''", ChatTemplate.blankStringLiterals("'\\'\\'x \"q\""));
  }

  @Test
  void aTagWithoutANameIsATypedSyntaxError() {
    assertThrows(TemplateException.class, () -> ChatTemplate.compile("a {%} b"));
    assertThrows(TemplateException.class, () -> ChatTemplate.compile("{% macro f(n) %}{{ f(n) }}{%}{% endmacro %}"));
  }

  /** Found by fuzzing: a loop failing on every pass piled up 100,000 errors, each with its exception (25 s). */
  @Test
  void aLoopFailingOnEveryPassStopsAtTheErrorLimit() {
    // the malformed inner loop is reported as a syntax error once, not rendered 100,000 times
    TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.compile(
        "{% for i in range(100000) %}{% for j in range(3)y %}{% endfor %}{% endfor %}"));
    assertTrue(e.getMessage().contains("range(3)y"), e.getMessage());
  }

  @Test
  void deepRecursionInsideTheLimitStillRenders() {
    String out = ChatTemplate.compile("{% for m in messages %}{{ m.content }}{% endfor %}")
        .render(List.of(Map.of("role", "user", "content", "hi")), true, Map.of());
    assertEquals("hi", out);
  }
}
