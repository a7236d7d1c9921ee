package dev.persona4j.core.persona;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
  @Test
  void resolvesCharUserAndOriginalCaseInsensitively() {
    assertEquals("Mara greets Sam; MARA? no: Mara. [default]",
        Placeholders.resolve("{{char}} greets {{User}}; MARA? no: {{CHAR}}. [{{Original}}]", "Mara", "Sam", "default"));
    assertEquals("Mara and {{original}}", Placeholders.resolve("{{ char }} and {{original}}", "Mara", "Sam", null));
  }

  @Test
  void leavesOtherMacrosAsTheyAre() {
    assertEquals("Hi Sam, {{random:a,b}} {{roll:d6}}",
        Placeholders.resolve("Hi {{user}}, {{random:a,b}} {{roll:d6}}", "Mara", "Sam", null));
    // Replacement text is literal, never a regex group reference.
    assertEquals("$1 \\ costs", Placeholders.resolve("{{char}} costs", "$1 \\", "Sam", null));
  }

  @Test
  void findsUnknownPlaceholders() {
    assertEquals(Optional.empty(), Placeholders.firstUnknown("{{char}} {{USER}}", false));
    assertEquals(Optional.of("{{original}}"), Placeholders.firstUnknown("{{char}} {{original}}", false));
    assertEquals(Optional.empty(), Placeholders.firstUnknown("{{original}}", true));
    assertEquals(Optional.of("{{random:x}}"), Placeholders.firstUnknown("{{user}} {{random:x}}", true));
    assertEquals(List.of("{{a}}", "{{b}}"), Placeholders.find("x {{a}} y {{b}}"));
  }
}
