package dev.persona4j.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.persona4j.core.persona.LoreEntry;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: the input's first line as a regular-expression lorebook key, the rest as the text it
 * is matched against. A key is rejected with an {@link IllegalArgumentException} saying why, or matches
 * (in linear time) without any exception.
 */
class LorebookFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    String input = new String(data, StandardCharsets.UTF_8);
    int nl = input.indexOf('\n');
    String key = nl < 0 ? input : input.substring(0, nl);
    String text = nl < 0 ? "" : input.substring(nl + 1);
    if (key.isBlank()) {
      return;
    }
    LoreEntry entry;
    try {
      entry = LoreEntry.builder().keys(key).useRegex(true).content("lore").build();
    } catch (IllegalArgumentException e) {
      return;
    }
    entry.triggeredBy(text);
    entry.toBuilder().caseSensitive(true).build().triggeredBy(text);
  }
}
