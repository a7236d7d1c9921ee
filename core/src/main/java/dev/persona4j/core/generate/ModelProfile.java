package dev.persona4j.core.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.SamplerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How to prompt and sample one model, read from the optional {@code persona4j.json} in its
 * directory. {@link PersonaGenerator#builder PersonaGenerator.builder(model, persona)} reads it
 * itself, and settings given to the builder override it. The bundled demo model carries one (it was
 * trained on compact persona prompts, and ships its heads); a model directory without one gets
 * {@link #defaults()}.
 *
 * <pre>{@code
 * {
 *   "definition_style": "compact",          // full (default) | compact
 *   "user_name": "User",
 *   "max_new_tokens": 64,
 *   "temperature": 0.8, "top_p": 0.95, "min_p": 0,
 *   "stop_strings": ["\nUser:"],
 *   "candidates": 8,                        // best-of-N when heads are present (default 4)
 *   "heads": ["heads/in_character.safetensors"],   // relative to the model directory
 *   "in_character_head": "heads/in_character",     // also accepted: one head, without extension
 *   "selection_head": "in_character"        // the head best-of-N ranks by (default: the mean of all)
 * }
 * }</pre>
 * Other fields (e.g. training notes) are ignored.
 *
 * @param definitionStyle how much of the persona the prompts carry
 * @param userName the user's name in prompts
 * @param sampler token sampling
 * @param maxNewTokens new tokens per candidate
 * @param stopStrings strings that end a candidate, besides the model's end-of-turn tokens
 * @param candidates candidates per reply when heads score them
 * @param heads head files, bound to the model when a generator is built
 * @param selectionHead the head best-of-N ranks by; empty: the mean of all heads
 */
public record ModelProfile(
    DefinitionStyle definitionStyle,
    String userName,
    SamplerSettings sampler,
    int maxNewTokens,
    List<String> stopStrings,
    int candidates,
    List<Path> heads,
    Optional<String> selectionHead) {

  /** The profile's file name in a model directory. */
  public static final String FILE = "persona4j.json";

  private static final ModelProfile DEFAULTS = new ModelProfile(DefinitionStyle.FULL, "User",
      SamplerSettings.builder().temperature(0.8).topP(0.95).build(), 128, List.of(), 4, List.of(), Optional.empty());

  /** Checks that every part is present and copies the lists. */
  public ModelProfile {
    Objects.requireNonNull(definitionStyle, "definitionStyle");
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(sampler, "sampler");
    stopStrings = List.copyOf(stopStrings);
    heads = List.copyOf(heads);
    Objects.requireNonNull(selectionHead, "selectionHead");
  }

  /**
   * The library's defaults: the full definition, user "User", temperature 0.8 and top-p 0.95, 128
   * new tokens, no heads (best of 4 by the mean of the heads' scores once heads are given).
   */
  public static ModelProfile defaults() {
    return DEFAULTS;
  }

  /** The profile of a loaded model: from its directory, or the defaults when it has none. */
  public static ModelProfile of(LanguageModel model) {
    Path dir = model.info().directory();
    return dir == null ? defaults() : read(dir);
  }

  /**
   * The profile in {@code modelDir}, or the defaults when it has no {@value #FILE}.
   *
   * @throws Persona4jException naming the file and field when the profile is not valid
   */
  public static ModelProfile read(Path modelDir) {
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
    if (json == null || !json.isObject()) {
      throw new Persona4jException(file + ": must hold a JSON object");
    }
    Fields f = new Fields(file, json);
    List<Path> heads = new ArrayList<>();
    for (String head : f.strings("heads")) {
      heads.add(modelDir.resolve(head));
    }
    f.string("in_character_head").ifPresent(head -> heads.add(
        modelDir.resolve(head.endsWith(".safetensors") ? head : head + ".safetensors")));
    String style = f.string("definition_style").orElse("full");
    DefinitionStyle definitionStyle = switch (style.toLowerCase(Locale.ROOT)) {
      case "full" -> DefinitionStyle.FULL;
      case "compact" -> DefinitionStyle.COMPACT;
      default -> throw new Persona4jException(file + ": definition_style = '" + style + "': must be full or compact");
    };
    SamplerSettings d = DEFAULTS.sampler();
    SamplerSettings sampler = SamplerSettings.builder()
        .temperature(f.number("temperature", d.temperature()))
        .topP(f.number("top_p", d.topP()))
        .minP(f.number("min_p", d.minP()))
        .build();
    return new ModelProfile(definitionStyle, f.string("user_name").orElse(DEFAULTS.userName()), sampler,
        f.positive("max_new_tokens", DEFAULTS.maxNewTokens()), f.strings("stop_strings"),
        f.positive("candidates", DEFAULTS.candidates()), heads, f.string("selection_head"));
  }

  /** Typed reads of a profile's fields; a field of the wrong type is an error naming it. */
  private record Fields(Path file, JsonNode json) {
    Optional<String> string(String name) {
      JsonNode v = json.get(name);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isTextual() || v.asText().isBlank()) {
        throw new Persona4jException(file + ": " + name + " = " + v + ": must be a non-blank string");
      }
      return Optional.of(v.asText());
    }

    double number(String name, double fallback) {
      JsonNode v = json.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isNumber()) {
        throw new Persona4jException(file + ": " + name + " = " + v + ": must be a number");
      }
      return v.asDouble();
    }

    int positive(String name, int fallback) {
      double v = number(name, fallback);
      if (v < 1 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
        throw new Persona4jException(file + ": " + name + " = " + json.get(name) + ": must be a positive integer");
      }
      return (int) v;
    }

    List<String> strings(String name) {
      JsonNode v = json.get(name);
      if (v == null || v.isNull()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      v.forEach(item -> out.add(item.isTextual() ? item.asText() : null));
      if (!v.isArray() || out.contains(null)) {
        throw new Persona4jException(file + ": " + name + " = " + v + ": must be a list of strings");
      }
      return out;
    }
  }
}
