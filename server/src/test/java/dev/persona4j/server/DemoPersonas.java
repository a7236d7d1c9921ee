package dev.persona4j.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.persona.PersonaFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bundled demo model and two of its personas, loaded once per test JVM from the examples module
 * beside this one; tests skip, saying why, where the checkout has no examples.
 */
final class DemoPersonas {
  static final Path EXAMPLES = Path.of("..", "examples");
  static final Path MODEL = EXAMPLES.resolve("models/persona-demo");

  private static LanguageModel model;
  private static PersonaGenerator captain;
  private static PersonaGenerator detective;

  private DemoPersonas() {}

  private static synchronized void load() {
    boolean present = Files.isRegularFile(MODEL.resolve("model.safetensors"));
    if (!present) {
      System.out.println("SKIPPED: the demo model is not at " + MODEL.toAbsolutePath() + " (server tests need the examples module beside server/)");
    }
    assumeTrue(present, "demo model at " + MODEL.toAbsolutePath());
    if (model == null) {
      model = Backends.load(MODEL);
      captain = PersonaGenerator.builder(model, PersonaFiles.load(EXAMPLES.resolve("personas/captain.yaml"))).build();
      detective = PersonaGenerator.builder(model, PersonaFiles.load(EXAMPLES.resolve("personas/detective.yaml"))).build();
    }
  }

  static PersonaGenerator captain() {
    load();
    return captain;
  }

  static PersonaGenerator detective() {
    load();
    return detective;
  }

  /** A server of both personas on a free loopback port. */
  static PersonaServer.Builder server() {
    return PersonaServer.builder().persona("captain", captain()).persona("detective", detective()).port(0);
  }
}
