package dev.persona4j.examples.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.training.heads.HeadSpec;
import dev.persona4j.training.heads.HeadTrainer;
import dev.persona4j.training.heads.LabeledDataset;
import dev.persona4j.training.heads.TrainedHead;
import dev.persona4j.training.heads.TrainingOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import dev.persona4j.internal.Json;

/**
 * The demo model's classifier heads, trained with the library's own head trainer on the model's
 * middle layer, from the held-out corpus split (replies the model never trained on):
 *
 * <ul>
 *   <li>{@code in_character}: an attention head, in character (the label {@code in_character}) vs
 *       out of character (generic assistant voice, or another persona's voice);
 *   <li>{@code speaker-<voice>}: a linear probe per voice, one against the rest: which persona is
 *       speaking (the {@code speaking_voice} field).
 * </ul>
 *
 * <p>They are written to {@code heads/} beside the model, and {@code persona4j.json} lists them so
 * that {@code reply} scores every candidate with all five and ranks by {@code in_character}.
 */
public final class DemoHeads {
  static final String IN_CHARACTER = "in_character";
  static final List<String> VOICES = List.of("captain", "detective", "gardener", "naturalist");

  private DemoHeads() {}

  /** Trains the heads for the model in {@code modelDir}; returns head name to its training summary line. */
  public static Map<String, String> train(Path modelDir, long seed, PrintStream progress) {
    Path heldOut = modelDir.resolve(DemoTrainer.HELD_OUT_FILE);
    Path headsDir = modelDir.resolve("heads");
    Map<String, String> summaries = new LinkedHashMap<>();
    try (LanguageModel model = Backends.load(modelDir)) {
      int layer = HeadTrainer.defaultLayer(model.info());
      TrainingOptions options = TrainingOptions.builder().seed(seed).progress(progress).build();
      LabeledDataset inCharacter = LabeledDataset.readJsonl(heldOut, Set.of(IN_CHARACTER));
      TrainedHead head = new HeadTrainer().train(model, inCharacter, HeadSpec.attentionHead(IN_CHARACTER, new int[] {layer}),
          options);
      head.save(headsDir, model.info());
      summaries.put(IN_CHARACTER, head.summary().toString());
      for (String voice : VOICES) {
        LabeledDataset speaking = LabeledDataset.readJsonl(heldOut, Set.of(voice), Set.of(), "speaking_voice");
        String name = "speaker-" + voice;
        TrainedHead probe = new HeadTrainer().train(model, speaking, HeadSpec.linearProbe(name, new int[] {layer},
            Pooling.MEAN), options);
        probe.save(headsDir, model.info());
        summaries.put(name, probe.summary().toString());
      }
    }
    writeProfileHeads(modelDir.resolve(DemoTrainer.SETTINGS_FILE), summaries.keySet());
    appendSummary(modelDir.resolve("TRAINING.md"), summaries, seed);
    return summaries;
  }

  /** Lists the heads in persona4j.json and ranks best-of-N by the in-character head. */
  private static void writeProfileHeads(Path profile, Iterable<String> names) {
    try {
      ObjectNode o = (ObjectNode) Json.mapper().readTree(Files.readString(profile));
      o.remove("in_character_head");
      o.remove("persona_head");
      ArrayNode heads = o.putArray("heads");
      for (String name : names) {
        heads.add("heads/" + name + HeadFiles.WEIGHTS_SUFFIX);
      }
      o.put("selection_head", IN_CHARACTER);
      o.put("candidates", 8);
      Files.writeString(profile, Json.pretty().writeValueAsString(o) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot update " + profile + ": " + e.getMessage(), e);
    }
  }

  private static void appendSummary(Path trainingMd, Map<String, String> summaries, long seed) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("## Heads");
    lines.add("");
    lines.add(String.format(Locale.ROOT, "Trained by `DemoHeads` (seed %d) on the middle layer's activations of the held-out"
        + " split, with the library's head trainer; files in `heads/` (`.safetensors` + `.json`). Validation figures:", seed));
    lines.add("");
    for (Map.Entry<String, String> e : summaries.entrySet()) {
      lines.add("- `" + e.getKey() + "`: " + e.getValue());
    }
    try {
      String text = Files.exists(trainingMd) ? Files.readString(trainingMd) : "";
      int previous = text.indexOf("\n## Heads\n");
      if (previous >= 0) {
        text = text.substring(0, previous);
      }
      Files.writeString(trainingMd, text.stripTrailing() + "\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot update " + trainingMd + ": " + e.getMessage(), e);
    }
  }
}
