package example;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import java.nio.file.Path;

/** An application's first use of persona4j: a persona file and a model directory, loaded as the README shows. */
public final class App {
  public static void main(String[] args) {
    Path modelDir = Path.of(args[0]);
    Persona persona = PersonaFiles.load(Path.of(args[1]));
    try (LanguageModel model = Backends.load(modelDir)) {
      System.out.println("persona: " + persona.name());
      System.out.println("model: " + model.info());
    }
  }
}
