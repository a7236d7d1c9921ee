package dev.persona4j.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.examples.demo.DriftEvaluation;
import dev.persona4j.examples.demo.DriftEvaluation.Arm;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code persona4j drift-eval}: out-of-character rate, mean reply length and distinct-2, plain sampling
 * vs best-of-N by the in-character head (the model's own, or calibrated ones), and with {@code --cap}
 * activation capping alone and with best-of-N.
 */
@Command(
    name = "drift-eval",
    description = {
        "For each bundled persona, N replies with plain sampling and N as the best of 8 by the in-character head,"
            + " with the same sampler settings and seeds.",
        "Out-of-character rates are judged on the text by the corpus's drift detector; each arm also reports its"
            + " mean reply length (words) and distinct-2 (distinct word bigrams / all bigrams).",
        "With calibrated heads (in the model's calibrated directory, or --heads DIR) best-of-N runs them and ranks by"
            + " their in_character head unless --rank-by says otherwise; the model's own heads are not loaded.",
        "With --cap, two more arms: capping along each persona's calibrated vector alone, and with best-of-N."})
final class DriftEvalCommand implements Callable<Integer> {
  @Mixin GenerationOptions options;

  @Option(names = "--n", defaultValue = "200", description = "Replies per persona and method (default ${DEFAULT-VALUE}).")
  int n;

  /** The voices the drift detector knows: the bundled personas' ids. */
  static final List<String> VOICES = List.of("captain", "detective", "gardener", "naturalist");

  @Option(names = "--personas", split = ",", paramLabel = "ID|VOICE=FILE", description = {
      "Bundled persona ids, or VOICE=FILE for a persona file written in one of their voices (judged by that voice's"
          + " markers), e.g. captain=my-harbourmaster.yaml. Default: captain,detective,gardener,naturalist."})
  List<String> personaIds = VOICES;

  @Option(names = "--json", description = "Write the rates as JSON to this file.")
  Path json;

  @Option(names = "--samples", description = "Write every message with both replies and verdicts (JSONL) to this file.")
  Path samples;

  @Option(names = "--no-rejection", description = "Run the plain-sampling arm only (no heads needed).")
  boolean noRejection;

  @Option(names = "--eval-seed", defaultValue = "2026", description = "Seed for the messages and replies (default ${DEFAULT-VALUE}).")
  long evalSeed;

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (LanguageModel model = options.loadModel()) {
      Map<String, Persona> personas = new LinkedHashMap<>();
      for (String entry : personaIds) {
        int eq = entry.indexOf('=');
        String voice = eq < 0 ? entry : entry.substring(0, eq);
        if (!VOICES.contains(voice)) {
          throw new Persona4jException("--personas " + entry + ": '" + voice + "' is not a voice the drift detector"
              + " knows " + VOICES);
        }
        if (personas.containsKey(voice)) {
          throw new Persona4jException("--personas " + entry + ": voice '" + voice + "' is given twice");
        }
        personas.put(voice, Workspace.persona(eq < 0 ? entry : entry.substring(eq + 1)));
      }
      ModelProfile profile = options.profile();
      // Read (and check) --heads before any reply, so that a bad directory fails at once.
      String ranking = options.rankingSpec(profile);
      if (!noRejection && ranking == null) {
        throw new Persona4jException(options.modelDir() + ": no in-character head (persona4j.json selection_head,"
            + " --heads DIR, or --rank-by)");
      }
      int candidates = options.candidates != null ? options.candidates : 8;
      Set<Arm> arms = EnumSet.of(Arm.PLAIN);
      if (!noRejection) {
        arms.add(Arm.BEST_OF_N);
      }
      if (Boolean.TRUE.equals(options.cap)) {
        arms.add(Arm.CAPPING);
        if (!noRejection) {
          arms.add(Arm.CAPPING_BEST_OF_N);
        }
      }
      DriftEvaluation.Result result = DriftEvaluation.run(personas, (id, p) -> options.generator(model, p, id), arms,
          n, candidates, evalSeed, ProgressOutput.stderr());
      out.print(result.table());
      StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "%nout-of-character: plain %.1f%%",
          100 * result.plain().rate()));
      for (Arm arm : result.arms()) {
        if (arm != Arm.PLAIN) {
          double fold = result.reduction(arm);
          summary.append(String.format(Locale.ROOT, ", %s %.1f%% (%s fewer)", result.name(arm),
              100 * result.rates().get(arm).rate(),
              Double.isInfinite(fold) ? "∞×" : String.format(Locale.ROOT, "%.1f×", fold)));
        }
      }
      summary.append(String.format(Locale.ROOT, "; %d replies per arm in %.0f s", result.plain().replies(),
          result.seconds()));
      if (result.hasRejection()) {
        summary.append(String.format(Locale.ROOT, "; head scoring %.2f%% of best-of-%d reply time",
            100 * result.headScoringShare(), candidates));
      }
      out.println(summary);
      if (json != null) {
        writeFile(json, result.json());
      }
      if (samples != null) {
        StringBuilder lines = new StringBuilder();
        for (DriftEvaluation.Sample s : result.samples()) {
          ObjectNode node = Json.mapper().createObjectNode();
          node.put("persona", s.persona());
          node.put("user", s.user());
          for (Arm arm : result.arms()) {
            node.put(arm.key(), s.replies().get(arm));
            node.put(arm.key() + "_label", s.labels().get(arm).code());
            Double score = s.chosenScores().get(arm);
            if (score != null) {
              node.put(arm.key() + "_chosen_score", score);
            }
          }
          lines.append(node).append('\n');
        }
        writeFile(samples, lines.toString());
      }
      return 0;
    }
  }

  private static void writeFile(Path file, String text) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Persona4jException(file + ": cannot write: " + e.getMessage(), e);
    }
  }
}
