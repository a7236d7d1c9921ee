package dev.persona4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How to prompt and sample one model, from an optional {@code persona4j.json} in its directory. The
 * bundled demo model carries one (it was trained on compact persona prompts, and ships its heads);
 * any other model directory works without it, with the library's defaults.
 *
 * <pre>{@code
 * {
 *   "definition_style": "compact",          // full (default) | compact
 *   "user_name": "User",
 *   "max_new_tokens": 64,
 *   "temperature": 0.8, "top_p": 0.95, "min_p": 0,
 *   "candidates": 8,                        // best-of-N when heads are present
 *   "heads": ["heads/in_character.safetensors"],   // relative to the model directory
 *   "in_character_head": "heads/in_character",     // also accepted: one head, without extension
 *   "selection_head": "in_character"        // the head best-of-N ranks by
 * }
 * }</pre>
 */
record ModelProfile(
    String definitionStyle,
    String userName,
    int maxNewTokens,
    double temperature,
    double topP,
    double minP,
    int candidates,
    List<Path> heads,
    Optional<String> selectionHead) {

  static final String FILE = "persona4j.json";

  static ModelProfile defaults() {
    return new ModelProfile("full", "User", 128, 0.8, 0.95, 0, 1, List.of(), Optional.empty());
  }

  /** The profile of the model in {@code modelDir}, or the defaults when it has none. */
  static ModelProfile of(Path modelDir) {
    Path file = modelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return defaults();
    }
    JsonNode json;
    try {
      json = Json.mapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new Persona4jException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    ModelProfile d = defaults();
    List<Path> heads = new ArrayList<>();
    for (JsonNode head : json.path("heads")) {
      heads.add(modelDir.resolve(head.asText()));
    }
    if (json.hasNonNull("in_character_head")) {
      Path head = modelDir.resolve(json.get("in_character_head").asText());
      heads.add(head.toString().endsWith(".safetensors") ? head : Path.of(head + ".safetensors"));
    }
    String style = json.path("definition_style").asText(d.definitionStyle()).toLowerCase(Locale.ROOT);
    if (!style.equals("full") && !style.equals("compact")) {
      throw new Persona4jException(file + ": definition_style = '" + style + "': must be full or compact");
    }
    return new ModelProfile(
        style,
        json.path("user_name").asText(d.userName()),
        json.path("max_new_tokens").asInt(d.maxNewTokens()),
        json.path("temperature").asDouble(d.temperature()),
        json.path("top_p").asDouble(d.topP()),
        json.path("min_p").asDouble(d.minP()),
        json.path("candidates").asInt(heads.isEmpty() ? 1 : 8),
        List.copyOf(heads),
        json.hasNonNull("selection_head") ? Optional.of(json.get("selection_head").asText())
            : heads.isEmpty() ? Optional.empty() : Optional.of("in_character"));
  }
}
