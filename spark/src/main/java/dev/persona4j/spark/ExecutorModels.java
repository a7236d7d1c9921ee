package dev.persona4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.LoadOptions;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.persona.CharacterCards;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.internal.Json;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (an executor's, or the driver's in local mode), each loaded lazily once per
 * (location, backend, device) and shared by every task, with one generator per persona text. Models stay
 * loaded for the JVM's life: an executor runs job after job over the same model.
 */
final class ExecutorModels {
  private static final Logger log = LoggerFactory.getLogger(ExecutorModels.class);
  /** More personas than this in one JVM (inline JSON per row, say) start the generator cache afresh. */
  private static final int MAX_GENERATORS = 1024;
  private static final Pattern PERSONA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

  private record Key(String location, String backend, LoadOptions.DevicePreference device) {}

  /** A loaded model and the generators built on it, by persona text and persona directory. */
  static final class Loaded {
    final LanguageModel model;
    private final Map<String, PersonaGenerator> generators = new ConcurrentHashMap<>();

    private Loaded(LanguageModel model) {
      this.model = model;
    }

    /** The persona's generator: built from the persona column's text once, then reused. */
    PersonaGenerator generator(String persona, String personaDirectory) {
      String key = personaDirectory + "\u0000" + persona;
      PersonaGenerator cached = generators.get(key);
      if (cached != null) {
        return cached;
      }
      PersonaGenerator built = PersonaGenerator.builder(model, persona(persona, personaDirectory)).build();
      if (generators.size() >= MAX_GENERATORS) {
        generators.clear();
      }
      PersonaGenerator raced = generators.putIfAbsent(key, built);
      return raced != null ? raced : built;
    }
  }

  private static final Map<Key, Loaded> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ExecutorModels() {}

  /** The model of the job's options, loading it (once per JVM) on first use. */
  static Loaded model(PersonaGeneration job) {
    Key key = new Key(job.modelLocation, job.backend, job.device);
    // computeIfAbsent blocks other tasks asking for the same model until it is loaded: one load, never two.
    return MODELS.computeIfAbsent(key, k -> {
      LoadOptions.Builder options = LoadOptions.builder().device(k.device());
      if (k.backend() != null) {
        options.backend(k.backend());
      }
      long start = System.nanoTime();
      LanguageModel model = Backends.load(Path.of(k.location()), options.build());
      LOADS.incrementAndGet();
      log.info("loaded {} for persona generation in {} ms", k.location(), (System.nanoTime() - start) / 1_000_000);
      return new Loaded(model);
    });
  }

  static int loads() {
    return LOADS.get();
  }

  /** Closes every model (tests that need a fresh JVM state). */
  static void closeAll() {
    MODELS.values().forEach(l -> l.model.close());
    MODELS.clear();
  }

  /**
   * The persona the column's text names, decided by content: inline JSON (a persona file's, or a Character
   * Card's), a bundled persona's name, or a file.
   */
  static Persona persona(String text, String personaDirectory) {
    String trimmed = text.strip();
    if (trimmed.startsWith("{")) {
      String source = "inline persona JSON";
      JsonNode tree = null;
      try {
        tree = Json.mapper().readTree(trimmed);
      } catch (Exception e) {
        // PersonaFiles.parse reports where the JSON breaks, naming the source.
      }
      if (tree != null && tree.isObject() && !tree.has("schema") && tree.path("spec").asText("").startsWith("chara_card")) {
        return CharacterCards.parseJson(trimmed, source);
      }
      return PersonaFiles.parse(trimmed, PersonaFiles.Format.JSON, source);
    }
    if (PERSONA_NAME.matcher(trimmed).matches()) {
      if (personaDirectory == null) {
        throw new BatchInputException("persona '" + trimmed + "' is a name, but no persona directory is set to look it up in");
      }
      for (String ext : List.of(".yaml", ".yml", ".json")) {
        Path file = Path.of(personaDirectory, trimmed + ext);
        if (Files.isRegularFile(file)) {
          return PersonaFiles.loadAny(file);
        }
      }
      throw new BatchInputException("persona '" + trimmed + "': no " + trimmed + ".yaml, .yml or .json in " + personaDirectory);
    }
    Path file;
    try {
      file = Path.of(trimmed);
    } catch (InvalidPathException e) {
      throw new BatchInputException("persona '" + trimmed + "' is neither JSON, a name nor a path: " + e.getMessage());
    }
    if (!Files.isRegularFile(file)) {
      throw new BatchInputException("persona '" + trimmed + "': no such file");
    }
    return PersonaFiles.loadAny(file);
  }
}
