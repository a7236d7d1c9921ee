package dev.persona4j.examples;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.StopConditions;
import dev.persona4j.samplers.rejection.CandidateFilter;
import dev.persona4j.samplers.rejection.CandidateScorer;
import dev.persona4j.samplers.rejection.SelectionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options {@code reply}, {@code chat} and {@code drift-eval} share: model, persona, sampling, heads, policy. */
final class GenerationOptions {
  @Option(names = "--model", description = "A Hugging Face model directory or a GGUF file (default: the bundled demo model).")
  Path model;

  @Mixin EngineOption engine = new EngineOption();

  @Option(names = "--profile", paramLabel = "DIR", description = {
      "Read the model profile (" + ModelProfile.FILE + ": prompt style, sampling, heads) from DIR instead of --model's"
          + " directory. A GGUF file carries none: give the directory it was converted from, with --no-heads unless"
          + " its heads were trained on the file (heads are bound to the model they were trained on)."})
  Path profileDir;

  @Option(names = "--persona",
      description = "A bundled persona id (captain, detective, gardener, naturalist) or a persona/card file. Default: ${DEFAULT-VALUE}.")
  String persona = "captain";

  @Option(names = "--user", description = "The user's name (default: the model profile's, else User).")
  String userName;

  @Option(names = "--candidates", description = "Candidates per round (default: 8 with heads, else 1).")
  Integer candidates;

  @Option(names = "--head", description = "A head file (.safetensors) to score candidates with; repeatable. Default: the model's own heads.")
  List<Path> heads = new ArrayList<>();

  @Option(names = "--heads", paramLabel = "DIR", description = {
      "Score with the heads `calibrate --out DIR` wrote (its " + ModelProfile.HEADS_FILE + " lists them, the"
          + " head to rank by and the personas' caps), instead of the model's own. Heads calibrated into the model's"
          + " " + ModelProfile.CALIBRATED_DIR + " directory are used without this option."})
  Path headsDir;

  @Option(names = "--cap", negatable = true, description = {
      "Cap the persona's activations with its calibrated caps (one direction and threshold per layer, held for"
          + " the reply's first positions; --no-cap: never). Default: as the calibrated heads say."})
  Boolean cap;

  @Option(names = "--no-heads", description = "Score nothing: plain sampling of one candidate unless --candidates says otherwise.")
  boolean noHeads;

  @Option(names = "--rank-by", paramLabel = "HEAD[:W],...", description = {
      "The head best-of-N ranks by, or a weighted mean of several (NAME:WEIGHT,...); {persona} stands for the"
          + " persona's id, e.g. in_character,speaker-{persona}. Default: the model profile's, else the mean of all heads."})
  String rankBy;

  @Option(names = "--threshold", description = "Accept the first candidate whose score reaches this probability, instead of the best of N.")
  Double threshold;

  @Option(names = "--rounds", description = "With --threshold: rounds of candidates before giving up (default ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(names = "--epsilon", description = "Epsilon-greedy: with this probability pick a random passing candidate.")
  Double epsilon;

  @Option(names = "--ban", description = "Reject candidates containing this phrase (case-insensitive); repeatable.")
  List<String> banned = new ArrayList<>();

  @Option(names = "--temperature", description = "Sampling temperature; 0 = greedy (default: the model profile's, else 0.8).")
  Double temperature;

  @Option(names = "--top-p", description = "Nucleus sampling mass (default: the model profile's, else 0.95).")
  Double topP;

  @Option(names = "--top-k", description = "Keep the k most likely tokens; 0 = off.")
  int topK = 0;

  @Option(names = "--min-p", description = "Drop tokens below min-p × the top probability (default: the model profile's, else 0).")
  Double minP;

  @Option(names = "--repetition-penalty", description = "transformers' repetition penalty; 1 = off.")
  double repetitionPenalty = 1;

  @Option(names = "--max-tokens", description = "New tokens per candidate (default: the model profile's, else 128).")
  Integer maxTokens;

  @Option(names = "--seed", description = "Seed for reproducible replies (default: random).")
  Long seed;

  Path modelDir() {
    return model != null ? model : Workspace.demoModel();
  }

  LanguageModel loadModel() {
    return engine.load(modelDir());
  }

  Persona loadPersona() {
    return Workspace.persona(persona);
  }

  /**
   * The profile generators are built from: the model's (persona4j.json, and its calibrated heads when
   * it has some), with the --heads directory's heads in place of its own and --cap/--no-cap.
   */
  ModelProfile profile() {
    ModelProfile profile = ModelProfile.read(profileDir != null ? profileDir : modelDir());
    if (headsDir != null) {
      profile = profile.withHeadsFrom(headsDir);
    }
    return cap != null ? profile.withCapping(cap) : profile;
  }

  String userName(ModelProfile profile) {
    return userName != null ? userName : profile.userName();
  }

  /** The id {@code {persona}} stands for in --rank-by: the bundled id, or the file name without extension. */
  String personaId() {
    return personaId(persona);
  }

  /** A persona's id: the bundled id as given, or the file name without its extension. */
  static String personaId(String nameOrFile) {
    String name = Path.of(nameOrFile).getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** A generator for {@code persona} on {@code model}, from these options over the model's profile. */
  PersonaGenerator.Builder generator(LanguageModel model, Persona persona) {
    return generator(model, persona, personaId());
  }

  /**
   * The builder reads the model's profile itself (style, user, sampling, limit, heads, candidates);
   * only the options given here override it.
   */
  PersonaGenerator.Builder generator(LanguageModel model, Persona persona, String personaId) {
    ModelProfile profile = profile();
    SamplerSettings defaults = profile.sampler();
    SamplerSettings sampling = defaults.toBuilder()
        .temperature(temperature != null ? temperature : defaults.temperature())
        .topP(topP != null ? topP : defaults.topP())
        .topK(topK)
        .minP(minP != null ? minP : defaults.minP())
        .repetitionPenalty(repetitionPenalty)
        .build();
    PersonaGenerator.Builder builder = PersonaGenerator.builder(model, persona).profile(profile).sampler(sampling);
    if (userName != null) {
      builder.userName(userName);
    }
    if (maxTokens != null) {
      builder.stop(StopConditions.builder().maxNewTokens(maxTokens).stopStrings(profile.stopStrings()).build());
    }
    if (seed != null) {
      builder.seed(seed);
    }
    if (Boolean.TRUE.equals(cap) && profile.caps(persona.name()).isEmpty()) {
      throw new Persona4jException("--cap: no activation cap for persona '" + persona.name() + "' in "
          + (headsDir != null ? headsDir : modelDir().resolve(ModelProfile.CALIBRATED_DIR)) + "/"
          + ModelProfile.HEADS_FILE + " (persona4j calibrate --persona " + personaId + " writes one)");
    }
    if (noHeads) {
      builder.heads(List.of());
    } else if (!heads.isEmpty()) {
      // --head files replace the profile's heads (and with them its caps, unless --cap names none).
      builder.heads(heads.stream().map(h -> HeadFiles.load(h, model)).toList());
    }
    boolean scored = !noHeads && !(heads.isEmpty() && profile.heads().isEmpty());
    SelectionPolicy policy = policy(profile, scored, personaId);
    if (policy != null) {
      builder.policy(policy);
    }
    return builder;
  }

  /**
   * The scorer a ranking spec names: {@code NAME} (one head) or {@code NAME:WEIGHT,...} (weighted
   * mean), with {@code {persona}} replaced by {@code personaId}; null when {@code spec} is null. The
   * generator's builder checks that the names are heads it runs.
   */
  static CandidateScorer scorer(String spec, String personaId) {
    if (spec == null) {
      return null;
    }
    java.util.Map<String, Double> weights = new java.util.LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String item = part.strip().replace("{persona}", personaId);
      int colon = item.lastIndexOf(':');
      String name = colon > 0 ? item.substring(0, colon) : item;
      double weight;
      try {
        weight = colon > 0 ? Double.parseDouble(item.substring(colon + 1)) : 1;
      } catch (NumberFormatException e) {
        throw new InvalidSettingException("--rank-by weight of " + name, item.substring(colon + 1), "must be a number");
      }
      weights.put(name, weight);
    }
    return weights.size() == 1 ? CandidateScorer.head(weights.keySet().iterator().next())
        : CandidateScorer.weighted(weights);
  }

  /** The ranking spec in force: --rank-by, else the profile's (or its calibrated heads') selection head. */
  String rankingSpec(ModelProfile profile) {
    return rankBy != null ? rankBy : profile.selectionHead().orElse(null);
  }

  /**
   * The policy these options ask for over the profile's, or null when they ask for nothing the
   * generator's default (from the profile) does not already do.
   *
   * @param scored whether the generator will run heads
   */
  SelectionPolicy policy(ModelProfile profile, boolean scored, String personaId) {
    if (candidates == null && rankBy == null && threshold == null && epsilon == null && banned.isEmpty()
        && heads.isEmpty()) {
      return null;
    }
    int n = candidates != null ? candidates : scored ? profile.candidates() : 1;
    SelectionPolicy.Builder policy = SelectionPolicy.builder().candidatesPerRound(n);
    if (scored) {
      CandidateScorer scorer = scorer(rankingSpec(profile), personaId);
      if (scorer != null) {
        policy.scorer(scorer);
      }
    }
    if (threshold != null) {
      policy.firstAboveThreshold(threshold, rounds);
    } else if (epsilon != null) {
      policy.epsilonGreedy(epsilon, seed != null ? seed : 0L, 1);
    }
    if (!banned.isEmpty()) {
      policy.filter(CandidateFilter.bannedPhrases(banned));
    }
    return policy.build();
  }
}
