package dev.persona4j.examples;

import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** One reply from a persona: {@code persona4j reply --persona captain "Ahoy!"}. */
@Command(
    name = "reply",
    description = {
        "Print a persona's reply to a message, chosen among candidates by the model's heads.",
        "Uses the bundled demo model and its in-character head unless --model says otherwise."})
final class ReplyCommand implements Callable<Integer> {
  @Mixin GenerationOptions options;

  @Mixin CandidateTable candidates;

  @Parameters(arity = "1..*", paramLabel = "MESSAGE", description = "What the user says.")
  String[] message;

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (LanguageModel model = options.loadModel()) {
      Persona persona = options.loadPersona();
      PersonaGenerator generator = options.generator(model, persona).build();
      Reply reply = generator.reply(Conversation.empty().withUser(String.join(" ", message)));
      if (!candidates.shown) {
        out.println(reply.text().strip());
        return 0;
      }
      out.println(persona.charName() + ": " + reply.text().strip());
      out.println();
      CandidateTable.print(out, reply);
      return 0;
    }
  }
}
