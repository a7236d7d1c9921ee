package dev.persona4j.examples;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.server.PersonaServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** An OpenAI-compatible server of personas: {@code persona4j serve --port 8080}. */
@Command(
    name = "serve",
    description = {
        "Serve personas over OpenAI's chat-completions API: each persona is a model (GET /v1/models, POST /v1/chat/completions).",
        "Replies are the best of N by the model's heads. Ctrl-C stops after the replies in flight."})
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--model", description = "A model directory (default: the bundled demo model).")
  Path model;

  @Option(names = "--persona", paramLabel = "FILE_OR_NAME",
      description = "A bundled persona id or a persona/card file; repeatable. Default: every bundled persona.")
  List<String> personas = new ArrayList<>();

  @Option(names = "--host", description = "Address to listen on (default ${DEFAULT-VALUE}); others than loopback need --api-key.")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8080;

  @Option(names = "--api-key", description = "A bearer token every request must carry (default: $PERSONA4J_API_KEY, else none).")
  String apiKey = System.getenv("PERSONA4J_API_KEY");

  @Option(names = "--max-concurrent", description = "Replies generated at once (default ${DEFAULT-VALUE}).")
  int maxConcurrent = 2;

  @Option(names = "--queue", description = "Requests that may wait; beyond them 429 (default ${DEFAULT-VALUE}).")
  int queue = 16;

  @Override
  public Integer call() throws InterruptedException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    List<String> names = personas.isEmpty() ? Workspace.personaIds() : personas;
    try (LanguageModel loaded = Backends.load(model != null ? model : Workspace.demoModel())) {
      PersonaServer.Builder builder = PersonaServer.builder().host(host).port(port).apiKey(apiKey)
          .maxConcurrent(maxConcurrent).queue(queue);
      for (String name : names) {
        builder.persona(modelName(name), PersonaGenerator.builder(loaded, Workspace.persona(name)).build());
      }
      PersonaServer server = builder.build().start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "persona4j-serve-shutdown"));
      out.println("Serving " + String.join(", ", server.models()) + " at " + server.baseUri()
          + (apiKey == null ? "" : " (bearer key required)") + ". Ctrl-C stops.");
      server.awaitShutdown();
      return 0;
    }
  }

  /** A persona's model name: its id (see {@link GenerationOptions#personaId(String)}) as the server accepts it. */
  static String modelName(String nameOrFile) {
    return GenerationOptions.personaId(nameOrFile).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._:-]", "-");
  }
}
