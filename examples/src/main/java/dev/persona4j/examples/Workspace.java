package dev.persona4j.examples;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the bundled parts live: the example personas and the demo model under {@code examples/}.
 * The launcher passes the checkout as {@code -Dpersona4j.home}; otherwise the working directory and
 * its parents are searched.
 */
public final class Workspace {
  /** The bundled demo model, relative to the checkout. */
  static final Path DEMO_MODEL = Path.of("examples", "models", "persona-demo");
  static final Path PERSONAS = Path.of("examples", "personas");

  private Workspace() {}

  /** The checkout holding {@code examples/personas}. */
  public static Path home() {
    String property = System.getProperty("persona4j.home");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(PERSONAS))) {
        return dir;
      }
    }
    throw new Persona4jException("cannot find the persona4j checkout (a folder with " + PERSONAS
        + "): run through examples/persona4j or pass -Dpersona4j.home=DIR");
  }

  /** The bundled demo model directory. */
  public static Path demoModel() {
    return home().resolve(DEMO_MODEL);
  }

  public static Path personasDir() {
    return home().resolve(PERSONAS);
  }

  /** The ids of the bundled personas (file names without extension), sorted. */
  public static List<String> personaIds() {
    try (Stream<Path> files = Files.list(personasDir())) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))
          .map(n -> n.substring(0, n.lastIndexOf('.')))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new Persona4jException(personasDir() + ": cannot list personas: " + e.getMessage(), e);
    }
  }

  /**
   * A persona by bundled id ({@code captain}) or by file (persona YAML/JSON, or a Character Card as
   * JSON or PNG).
   */
  public static Persona persona(String nameOrFile) {
    Path file = Path.of(nameOrFile);
    if (Files.isRegularFile(file)) {
      return PersonaFiles.loadAny(file);
    }
    String id = nameOrFile.toLowerCase(Locale.ROOT);
    for (String ext : List.of(".yaml", ".yml", ".json")) {
      Path bundled = personasDir().resolve(id + ext);
      if (Files.isRegularFile(bundled)) {
        return PersonaFiles.load(bundled);
      }
    }
    throw new Persona4jException("persona '" + nameOrFile + "': no such file, and not a bundled persona "
        + personaIds() + " in " + personasDir());
  }
}
