package dev.persona4j.examples;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyListener;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** An interactive conversation with a persona. */
@Command(
    name = "chat",
    description = {
        "Talk with a persona. Type a message and press Enter.",
        "/candidates toggles the candidate table, /reset starts over, /quit (or end of input) leaves."})
final class ChatCommand implements Callable<Integer> {
  @Mixin GenerationOptions options;

  @Mixin CandidateTable candidates;

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (LanguageModel model = options.loadModel()) {
      Persona persona = options.loadPersona();
      PersonaGenerator generator = options.generator(model, persona).build();
      String user = generator.userName();
      out.println("Talking with " + persona.name() + " (" + generator.policy().candidatesPerRound()
          + " candidate(s) per reply" + (generator.heads().isEmpty() ? "" : ", heads " + generator.heads().stream()
          .map(h -> h.name()).toList()) + "). /quit to leave.");
      Conversation conversation = Conversation.empty();
      if (!generator.greetings().isEmpty()) {
        String greeting = generator.greetings().get(0);
        out.println(persona.charName() + ": " + greeting);
        conversation = conversation.withCharacter(greeting);
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (true) {
        out.print(user + ": ");
        out.flush();
        String line = in.readLine();
        if (line == null || line.strip().equals("/quit")) {
          out.println();
          return 0;
        }
        if (line.isBlank()) {
          continue;
        }
        if (line.strip().equals("/reset")) {
          conversation = Conversation.empty();
          out.println("(conversation cleared)");
          continue;
        }
        if (line.strip().equals("/candidates")) {
          candidates.shown = !candidates.shown;
          out.println("(candidates " + (candidates.shown ? "shown" : "hidden") + ")");
          continue;
        }
        conversation = conversation.withUser(line.strip());
        out.print(persona.charName() + ":");
        out.flush();
        boolean[] first = {true};
        Reply reply = generator.reply(conversation, ReplyOptions.builder().listener(new ReplyListener() {
          @Override
          public void onReplyText(String text) {
            // Stream as it arrives; a leading space from the tokenizer replaces the one after the colon.
            String piece = first[0] ? " " + text.stripLeading() : text;
            first[0] = false;
            out.print(piece);
            out.flush();
          }
        }).build());
        out.println();
        if (candidates.shown) {
          CandidateTable.print(out, reply);
        }
        conversation = conversation.withCharacter(reply.text().strip());
      }
    } catch (IOException e) {
      throw new Persona4jException("cannot read input: " + e.getMessage(), e);
    }
  }
}
