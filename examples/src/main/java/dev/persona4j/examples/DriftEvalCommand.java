package dev.persona4j.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.examples.demo.DriftEvaluation;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code persona4j drift-eval}: out-of-character rate, mean reply length and distinct-2, plain sampling
 * vs best-of-N by the in-character head (the model's own, or calibrated ones with {@code --heads DIR}).
 */
@Command(
    name = "drift-eval",
    description = {
        "For each bundled persona, N replies with plain sampling and N as the best of 8 by the in-character head,"
            + " with the same sampler settings and seeds.",
        "Out-of-character rates are judged on the text by the corpus's drift detector; each arm also reports its"
            + " mean reply length (words) and distinct-2 (distinct word bigrams / all bigrams).",
        "With --heads DIR (written by calibrate) best-of-N runs the calibrated heads and ranks by their in_character"
            + " head unless --rank-by says otherwise; the model's own heads are not loaded."})
final class DriftEvalCommand implements Callable<Integer> {
  @Mixin GenerationOptions options;

  @Option(names = "--n", defaultValue = "200", description = "Replies per persona and method (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--personas", split = ",", description = "Persona ids (default: captain,detective,gardener,naturalist).")
  List<String> personaIds = List.of("captain", "detective", "gardener", "naturalist");

  @Option(names = "--json", description = "Write the rates as JSON to this file.")
  Path json;

  @Option(names = "--samples", description = "Write every message with both replies and verdicts (JSONL) to this file.")
  Path samples;

  @Option(names = "--no-rejection", description = "Run the plain-sampling arm only (no heads needed).")
  boolean noRejection;

  // Further arms (activation capping, alone and with best-of-N) get their switches here and their
  // generators in DriftEvaluation.run, beside the plain and best-of-N ones.

  @Option(names = "--eval-seed", defaultValue = "2026", description = "Seed for the messages and replies (default ${DEFAULT-VALUE}).")
  long evalSeed;

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (LanguageModel model = options.loadModel()) {
      Map<String, Persona> personas = new LinkedHashMap<>();
      for (String id : personaIds) {
        personas.put(id, Workspace.persona(id));
      }
      ModelProfile profile = options.profile();
      // Read (and check) --heads before any reply, so that a bad directory fails at once.
      String ranking = options.rankingSpec(profile);
      if (!noRejection && ranking == null) {
        throw new Persona4jException(options.modelDir() + ": no in-character head (persona4j.json selection_head,"
            + " --heads DIR, or --rank-by)");
      }
      int candidates = noRejection ? 0 : options.candidates != null ? options.candidates : 8;
      DriftEvaluation.Result result = DriftEvaluation.run(personas, (id, p) -> options.generator(model, p, id), n,
          candidates, evalSeed, ProgressOutput.stderr());
      out.print(result.table());
      if (result.hasRejection()) {
        out.printf(Locale.ROOT, "%nout-of-character: plain %.1f%%, best-of-%d %.1f%% (%s fewer); %d replies per method"
                + " in %.0f s; head scoring %.2f%% of best-of-%d reply time%n",
            100 * result.plain().rate(), candidates, 100 * result.rejection().rate(),
            Double.isInfinite(result.reduction()) ? "∞×" : String.format(Locale.ROOT, "%.1f×", result.reduction()),
            result.plain().replies(), result.seconds(), 100 * result.headScoringShare(), candidates);
      } else {
        out.printf(Locale.ROOT, "%nout-of-character: plain %.1f%%; %d replies in %.0f s%n", 100 * result.plain().rate(),
            result.plain().replies(), result.seconds());
      }
      if (json != null) {
        writeFile(json, result.json());
      }
      if (samples != null) {
        StringBuilder lines = new StringBuilder();
        for (DriftEvaluation.Sample s : result.samples()) {
          ObjectNode node = Json.mapper().createObjectNode();
          node.put("persona", s.persona());
          node.put("user", s.user());
          node.put("plain", s.plain());
          node.put("plain_label", s.plainLabel().code());
          if (s.rejection() != null) {
            node.put("rejection", s.rejection());
            node.put("rejection_label", s.rejectionLabel().code());
            node.put("chosen_score", s.chosenScore());
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
