package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.PersonaFormatException;
import dev.persona4j.core.persona.Resources;
import dev.persona4j.core.persona.Speaker;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ConversationTest {
  @Test
  void loadsAConversationFile() {
    Conversation c = Conversation.load(Resources.path("/conversations/voyage.yaml"));
    assertEquals(6, c.size());
    assertEquals(Speaker.CHARACTER, c.turns().get(0).speaker());
    assertEquals(Turn.user("A fisherman said he saw black ink on the water this morning."), c.last().orElseThrow());
    Conversation json = Conversation.parse(
        "[{\"role\": \"character\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"y\"}]",
        PersonaFiles.Format.JSON);
    assertEquals(Conversation.of(Turn.character("x"), Turn.character("y"), Turn.user("z")), json.withUser("z"));
    Conversation bare = Conversation.parse("- {role: user, content: hi}\n- {role: assistant, content: hello}",
        PersonaFiles.Format.YAML);
    assertEquals(Conversation.of(Turn.user("hi"), Turn.character("hello")), bare);
  }

  @Test
  void unknownRoleIsATypedErrorWithPathLineAndColumn() {
    Path file = Resources.path("/conversations/bad-role.json");
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> Conversation.load(file));
    assertEquals(file.toString(), e.source());
    assertEquals("messages[1].role", e.fieldPath());
    assertEquals(OptionalInt.of(4), e.line());
    assertEquals(OptionalInt.of(14), e.column());
    assertTrue(e.problem().contains("unknown role \"narrator\""), e.getMessage());
  }

  @Test
  void missingContentIsATypedError() {
    Path file = Resources.path("/conversations/missing-content.yaml");
    PersonaFormatException e = assertThrows(PersonaFormatException.class, () -> Conversation.load(file));
    assertEquals("[1].content", e.fieldPath());
    assertEquals(OptionalInt.of(3), e.line());
  }
}
