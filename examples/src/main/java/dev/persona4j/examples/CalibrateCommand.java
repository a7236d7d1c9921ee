package dev.persona4j.examples;

import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.training.calibration.PersonaCalibration;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Calibrates in-character heads and persona vectors for a model and personas with {@link
 * PersonaCalibration}, prompting as the model's profile does (persona4j.json), and writes them bound to the model with
 * the report and the layer-sweep chart.
 */
@Command(
    name = "calibrate",
    description = {
        "Calibrate in-character heads for a model and one or more personas from the personas alone (no labelled data).",
        "Writes the heads (in_character, in_character-probe, persona-<name>), calibration.json, calibration-sweep.png"
            + " and " + ModelProfile.HEADS_FILE + ", which lists the heads, ranks by in_character and holds each"
            + " persona's activation cap. In --model's " + ModelProfile.CALIBRATED_DIR + " directory (the default)"
            + " they take the place of the model's own heads for reply, chat, drift-eval and every generator built"
            + " for the model; elsewhere, pass --heads DIR."})
final class CalibrateCommand implements Callable<Integer> {
  static final String CHART_FILE = "calibration-sweep.png";

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A Hugging Face model directory.")
  Path model;

  @Option(names = "--persona", required = true, paramLabel = "FILE_OR_NAME",
      description = "A persona file or a bundled persona id (repeat to calibrate several; each contrasts the others).")
  List<String> personas;

  @Mixin EngineOption engine = new EngineOption();

  @Option(names = "--profile", paramLabel = "DIR", description = {
      "Take prompts, sampling and stops from the model profile (" + ModelProfile.FILE + ") in DIR instead of"
          + " --model's. A GGUF file carries none: give the directory it was converted from."})
  Path profileDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Where to write. Default: DIR/" + ModelProfile.CALIBRATED_DIR
      + " of --model (required for a model file).")
  Path out;

  @Option(names = "--budget", paramLabel = "N", description = "Contrast examples per class and persona "
      + "(default " + PersonaCalibration.DEFAULT_BUDGET + ", at least " + PersonaCalibration.MIN_BUDGET + ").")
  Integer budget;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seeds every choice: the same seed "
      + "gives the same heads. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--layer", paramLabel = "N", description = "A hidden-state index to sweep (repeat for several). "
      + "Default: a handful around the middle of the model.")
  List<Integer> layers;

  @Option(names = "--cap-percentile", paramLabel = "P", description = "The activation caps' threshold: this"
      + " percentile of the projections of the early tokens of the model's most in-character replies (default:"
      + " 50, their median).")
  Double capPercentile;

  @Option(names = "--cap-positions", paramLabel = "K", description = "Positions the caps hold and are fitted on: the"
      + " prompt's last and the first K-1 reply tokens; 0 for all (default "
      + PersonaCalibration.DEFAULT_CAP_POSITIONS + ").")
  Integer capPositions;

  @Option(names = "--cap-layer", paramLabel = "N", description = "A decoder layer to cap (repeat for several)."
      + " Default: every layer.")
  List<Integer> capLayers;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    PrintStream progress = HeadTrainingOptions.progressStream(stderr);
    if (out == null && Files.isRegularFile(model)) {
      throw new ParameterException(spec.commandLine(), "--out is required when --model is a file (" + model + ")");
    }
    Path dir = out != null ? out : model.resolve(ModelProfile.CALIBRATED_DIR);
    List<Persona> loaded = personas.stream().map(Workspace::persona).toList();
    try (LanguageModel lm = engine.load(model)) {
      PersonaCalibration.checkHeadsDirectory(dir, lm.info());
      // Prompts, sampling and stops come from the model's profile, as for the generator the heads serve.
      PersonaCalibration.Builder calibration = PersonaCalibration.builder(lm)
          .personas(loaded)
          .seed(seed)
          .listener((stage, done, total) -> drawProgress(progress, stage, done, total));
      if (profileDir != null) {
        calibration.profile(ModelProfile.read(profileDir));
      }
      if (budget != null) {
        calibration.budget(budget);
      }
      if (capPercentile != null) {
        calibration.capPercentile(capPercentile);
      }
      if (capPositions != null) {
        calibration.capPositions(capPositions);
      }
      if (capLayers != null && !capLayers.isEmpty()) {
        calibration.capLayers(capLayers.stream().mapToInt(Integer::intValue).toArray());
      }
      if (layers != null && !layers.isEmpty()) {
        calibration.layers(layers.stream().mapToInt(Integer::intValue).toArray());
      }
      stdout.printf(Locale.ROOT, "calibrating %s on %s (%d layers, hidden %d)%n",
          loaded.stream().map(Persona::name).toList(), lm.info().architecture(), lm.info().layers(),
          lm.info().hiddenSize());
      stdout.flush();
      PersonaCalibration.Result result = calibration.build().calibrate();
      progress.println();
      progress.flush();
      List<Path> written = new ArrayList<>(result.save(dir));
      Path chart = dir.resolve(CHART_FILE);
      LayerSweepChart.write(result.sweep(), chart, 800, 480);
      printSummary(stdout, result.report());
      stdout.println("wrote " + written.get(0));
      written.subList(1, written.size()).forEach(p -> stdout.println("      " + p));
      stdout.println("      " + chart);
      stdout.flush();
    }
    return 0;
  }

  static void drawProgress(PrintStream out, String stage, int done, int total) {
    int width = 24;
    int filled = total == 0 ? width : (int) ((long) width * done / total);
    out.print("\r" + String.format(Locale.ROOT, "%-44.44s [", stage) + "#".repeat(filled) + ".".repeat(width - filled)
        + String.format(Locale.ROOT, "] %d/%d   ", done, total));
    out.flush();
  }

  static void printSummary(PrintWriter out, PersonaCalibration.Report r) {
    out.println("contrast examples (per persona, after its own prompt):");
    out.printf(Locale.ROOT, "  %-24s %8s %9s %8s %8s %8s%n", "persona", "in-voice", "generated", "generic", "others",
        "neutral");
    for (Map.Entry<String, Map<String, Integer>> e : r.contrastSets().entrySet()) {
      Map<String, Integer> s = e.getValue();
      out.printf(Locale.ROOT, "  %-24.24s %8d %9d %8d %8d %8d%n", e.getKey(), s.get("in_voice"),
          s.get("generated_in_character"), s.get("generic_assistant"), s.get("other_personas"), s.get("generated_neutral"));
    }
    out.printf(Locale.ROOT, "%d train / %d held-out examples, split by reply text%n", r.trainExamples(),
        r.heldOutExamples());
    out.println("layer sweep (linear probe, held out):");
    r.sweep().forEach(s -> out.printf(Locale.ROOT, "  layer %2d  accuracy %.4f  AUC %.4f%s%n", s.layer(),
        s.heldOutAccuracy(), s.heldOutAuc(), s.layer() == r.chosenLayer() ? "  *" : ""));
    out.printf(Locale.ROOT, "chosen layer %d%n", r.chosenLayer());
    out.printf(Locale.ROOT, "  %-28s %-15s %8s %7s %7s%n", "head", "kind", "accuracy", "AUC", "ECE");
    r.heads().forEach((name, h) -> out.printf(Locale.ROOT, "  %-28.28s %-15s %8.4f %7.4f %7.4f%n", name, h.kind(),
        h.accuracy(), h.auc(), h.ece()));
    r.capping().forEach((persona, caps) -> caps.forEach(cap -> out.printf(Locale.ROOT, "  cap %-24.24s along %s at"
        + " layers %s: projection >= %.4f (%s) over the first %d positions%n", persona, cap.vector(),
        Arrays.toString(cap.layers()), cap.threshold(), cap.floor(), cap.positions())));
    out.printf(Locale.ROOT, "calibrated in %.1f s (seed %d, budget %d)%n", r.seconds(), r.seed(), r.budget());
  }
}
