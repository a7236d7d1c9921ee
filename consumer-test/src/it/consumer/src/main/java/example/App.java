package example;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.prompt.Conversation;
import java.nio.file.Path;

/** The captain replies on the bundled demo model (run from the persona4j checkout). */
public final class App {
  public static void main(String[] args) {
    Persona captain = PersonaFiles.load(Path.of("examples/personas/captain.yaml"));
    try (LanguageModel model = Backends.load(Path.of("examples/models/persona-demo"))) {
      // The model's persona4j.json supplies the prompt style, sampling, heads and best-of-8 policy.
      PersonaGenerator generator = PersonaGenerator.builder(model, captain).build();
      Conversation conversation = Conversation.empty().withUser("Ahoy! How's the sea today?");
      // Per-call overrides: a shorter reply, and a fixed seed for a repeatable one.
      Reply reply = generator.reply(conversation, ReplyOptions.builder().maxNewTokens(48).seed(7).build());
      System.out.println(captain.charName() + ": " + reply.text());
      reply.candidates().forEach(c -> System.out.println("  " + c.scores() + " " + c.text()));
    }
  }
}
