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
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   "selection_head": "in_character",       // the head best-of-N ranks by (default: the mean of all)
 *   "caps": {"Captain Mara Quell": {"vector": "persona-captain-mara-quell", "layers": [2], "threshold": 1.5}},
 *                                           // or a list of such caps, one per layer; "positions": k holds
 *                                           // them for a reply's first k positions only (default 0: all)
 *   "capping": true                         // cap each persona with its caps (default false)
 * }
 * }</pre>
 * Other fields (e.g. training notes) are ignored.
 *
 * <p>Calibrated heads ({@code persona4j calibrate}, or {@code PersonaCalibration.Result.save}) live in
 * the model directory's {@value #CALIBRATED_DIR} directory with a fragment of this file, {@value
 * #HEADS_FILE}: its {@code heads}, {@code selection_head}, {@code caps} and {@code capping} take the
 * place of the profile's own, so that every generator built for the model uses them with no other
 * setting. {@link #withHeadsFrom} does the same for heads saved elsewhere.
 *
 * @param definitionStyle how much of the persona the prompts carry
 * @param userName the user's name in prompts
 * @param sampler token sampling
 * @param maxNewTokens new tokens per candidate
 * @param stopStrings strings that end a candidate, besides the model's end-of-turn tokens
 * @param candidates candidates per reply when heads score them
 * @param heads head files, bound to the model when a generator is built
 * @param selectionHead the head best-of-N ranks by; empty: the mean of all heads
 * @param caps activation caps by persona name, each along a persona vector among {@code heads}, at
 *     most one per layer
 * @param capping whether generators cap a persona that has a cap (when their heads are the profile's)
 */
public record ModelProfile(
    DefinitionStyle definitionStyle,
    String userName,
    SamplerSettings sampler,
    int maxNewTokens,
    List<String> stopStrings,
    int candidates,
    List<Path> heads,
    Optional<String> selectionHead,
    Map<String, List<Cap>> caps,
    boolean capping) {

  /** The profile's file name in a model directory. */
  public static final String FILE = "persona4j.json";
  /** The directory of a model's calibrated heads, inside the model directory. */
  public static final String CALIBRATED_DIR = "calibrated";
  /** The profile fragment beside heads saved together: their files, selection head, caps. */
  public static final String HEADS_FILE = "persona4j-heads.json";

  private static final ModelProfile DEFAULTS = new ModelProfile(DefinitionStyle.FULL, "User",
      SamplerSettings.builder().temperature(0.8).topP(0.95).build(), 128, List.of(), 4, List.of(), Optional.empty(),
      Map.of(), false);

  /**
   * An activation cap for one persona (see {@link PersonaGenerator.Builder#cap(int[], float[], float)}):
   * along the persona vector head named {@code vector}, at decoder {@code layers}, at {@code threshold},
   * held for a reply's first {@code positions} positions (the prompt's last and the first reply
   * tokens; see {@link PersonaGenerator.Builder#capPositions}), or for all when 0.
   */
  public record Cap(String vector, int[] layers, float threshold, int positions) {
    /** Checks the parts and copies the layers. */
    public Cap {
      Objects.requireNonNull(vector, "vector");
      layers = layers.clone();
      if (positions < 0) {
        throw new IllegalArgumentException("cap positions must be >= 0, got " + positions);
      }
    }

    /** A cap held at every position. */
    public Cap(String vector, int[] layers, float threshold) {
      this(vector, layers, threshold, 0);
    }

    /** A copy of the layers. */
    @Override
    public int[] layers() {
      return layers.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cap c && vector.equals(c.vector) && Arrays.equals(layers, c.layers)
          && Float.compare(threshold, c.threshold) == 0 && positions == c.positions;
    }

    @Override
    public int hashCode() {
      return Objects.hash(vector, Arrays.hashCode(layers), threshold, positions);
    }

    @Override
    public String toString() {
      return "Cap[" + vector + " at " + Arrays.toString(layers) + " >= " + threshold
          + (positions == 0 ? "" : ", first " + positions + " positions") + "]";
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ModelProfile.class);

  /** Checks that every part is present and copies the lists. */
  public ModelProfile {
    Objects.requireNonNull(definitionStyle, "definitionStyle");
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(sampler, "sampler");
    stopStrings = List.copyOf(stopStrings);
    heads = List.copyOf(heads);
    Objects.requireNonNull(selectionHead, "selectionHead");
    Map<String, List<Cap>> copy = new LinkedHashMap<>();
    caps.forEach((persona, list) -> copy.put(persona, List.copyOf(list)));
    caps = Collections.unmodifiableMap(copy);
  }

  /** This profile with generators capping personas that have a cap ({@code capping}) or not. */
  public ModelProfile withCapping(boolean capping) {
    return new ModelProfile(definitionStyle, userName, sampler, maxNewTokens, stopStrings, candidates, heads,
        selectionHead, caps, capping);
  }

  /** The caps of the persona named {@code personaName}, one per capped layer; empty without any. */
  public List<Cap> caps(String personaName) {
    return caps.getOrDefault(personaName, List.of());
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
   * The profile in {@code modelDir}: its {@value #FILE} (the defaults without one), with the heads
   * calibrated for the model in {@value #CALIBRATED_DIR} in place of its own when that directory
   * holds a {@value #HEADS_FILE}.
   *
   * @throws Persona4jException naming the file and field when the profile is not valid
   */
  public static ModelProfile read(Path modelDir) {
    Path file = modelDir.resolve(FILE);
    ModelProfile own = Files.exists(file) ? parse(file, modelDir) : defaults();
    Path calibrated = modelDir.resolve(CALIBRATED_DIR);
    if (Files.isRegularFile(calibrated.resolve(HEADS_FILE))) {
      LOG.debug("{}: using the calibrated heads in {}", modelDir, calibrated);
      return own.withHeadsFrom(calibrated);
    }
    return own;
  }

  /**
   * This profile with the heads saved together in {@code dir} in place of its own: the {@code
   * heads} listed by its {@value #HEADS_FILE} (relative to {@code dir}), and its {@code
   * selection_head}, {@code caps} and {@code capping}.
   *
   * @throws Persona4jException when {@code dir} or its {@value #HEADS_FILE} is missing, or a field
   *     is not valid (naming the file and field)
   */
  public ModelProfile withHeadsFrom(Path dir) {
    Path file = dir.resolve(HEADS_FILE);
    if (!Files.isDirectory(dir)) {
      throw new Persona4jException(dir + ": no such heads directory (persona4j calibrate writes one)");
    }
    if (!Files.isRegularFile(file)) {
      throw new Persona4jException(dir + ": no " + HEADS_FILE + " (persona4j calibrate writes it beside the heads)");
    }
    Fields f = new Fields(file, object(file));
    List<Path> heads = f.strings("heads").stream().map(dir::resolve).toList();
    if (heads.isEmpty()) {
      throw new Persona4jException(file + ": heads must be a non-empty list of head files");
    }
    return new ModelProfile(definitionStyle, userName, sampler, maxNewTokens, stopStrings, candidates, heads,
        f.string("selection_head"), f.caps("caps"), f.bool("capping", false));
  }

  private static JsonNode object(Path file) {
    JsonNode json;
    byte[] bytes = Json.readInput(file, "persona4j.limit.configBytes", 16L << 20,
        (problem, cause) -> new Persona4jException(file + ": " + problem, cause));
    try {
      json = Json.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new Persona4jException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    if (json == null || !json.isObject()) {
      throw new Persona4jException(file + ": must hold a JSON object");
    }
    return json;
  }

  private static ModelProfile parse(Path file, Path modelDir) {
    Fields f = new Fields(file, object(file));
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
        f.positive("candidates", DEFAULTS.candidates()), heads, f.string("selection_head"), f.caps("caps"),
        f.bool("capping", false));
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

    boolean bool(String name, boolean fallback) {
      JsonNode v = json.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw new Persona4jException(file + ": " + name + " = " + v + ": must be true or false");
      }
      return v.asBoolean();
    }

    /** {@code {persona name: {vector, layers, threshold, positions?} or a list of them}}. */
    Map<String, List<Cap>> caps(String name) {
      JsonNode v = json.get(name);
      if (v == null || v.isNull()) {
        return Map.of();
      }
      if (!v.isObject()) {
        throw new Persona4jException(file + ": " + name + " = " + v + ": must map persona names to caps");
      }
      Map<String, List<Cap>> caps = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        JsonNode given = e.getValue();
        List<Cap> list = new ArrayList<>();
        if (given.isArray()) {
          for (int i = 0; i < given.size(); i++) {
            list.add(cap(name + "." + e.getKey() + "[" + i + "]", given.get(i)));
          }
        } else {
          list.add(cap(name + "." + e.getKey(), given));
        }
        caps.put(e.getKey(), list);
      }
      return caps;
    }

    private Cap cap(String at, JsonNode cap) {
      JsonNode vector = cap.get("vector");
      JsonNode layers = cap.get("layers");
      JsonNode threshold = cap.get("threshold");
      JsonNode positions = cap.get("positions");
      if (!cap.isObject() || vector == null || !vector.isTextual() || layers == null || !layers.isArray()
          || layers.isEmpty() || threshold == null || !threshold.isNumber()
          || !Float.isFinite(threshold.floatValue())
          || positions != null && !(positions.isIntegralNumber() && positions.canConvertToInt() && positions.asInt() >= 0)) {
        throw new Persona4jException(file + ": " + at + " = " + cap
            + ": must be {\"vector\": head name, \"layers\": [decoder layers], \"threshold\": finite number,"
            + " \"positions\": optional count >= 0}");
      }
      int[] ls = new int[layers.size()];
      for (int i = 0; i < ls.length; i++) {
        JsonNode l = layers.get(i);
        if (!l.canConvertToInt() || !l.isIntegralNumber() || l.asInt() < 0) {
          throw new Persona4jException(file + ": " + at + ".layers[" + i + "] = " + l
              + ": must be a decoder layer index >= 0");
        }
        ls[i] = l.asInt();
      }
      return new Cap(vector.asText(), ls, threshold.floatValue(), positions == null ? 0 : positions.asInt());
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
