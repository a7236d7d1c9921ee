package dev.persona4j.training.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.heads.PersonaVector;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.internal.Json;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.StopConditions;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.SelectionPolicy;
import dev.persona4j.training.calibration.ContrastBank.Exchange;
import dev.persona4j.training.calibration.ContrastExample.Source;
import dev.persona4j.training.heads.ActivationCollector;
import dev.persona4j.training.heads.HeadSpec;
import dev.persona4j.training.heads.HeadTrainer;
import dev.persona4j.training.heads.HeadTrainingException;
import dev.persona4j.training.heads.LayerSweep;
import dev.persona4j.training.heads.TrainedHead;
import dev.persona4j.training.heads.TrainingOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibrates in-character heads for a model and one or more personas from the personas alone, with
 * no labelled data: {@link #calibrate()} assembles contrast examples, each a reply placed after the
 * calibrated persona's own prompt and a user message, so that a head learns "is this reply in this
 * character, given this context":
 *
 * <ul>
 *   <li>in character: the persona's own in-voice texts (example dialogue replies, greetings, trait
 *       examples, boundary responses) and the model's own replies generated under the persona's
 *       prompt;
 *   <li>out of character: bundled generic-assistant replies, the in-voice texts of the other
 *       personas given and of eight bundled contrast personas, and the model's own replies generated
 *       under a neutral assistant prompt ({@value #NEUTRAL_SYSTEM_PROMPT}).
 * </ul>
 *
 * <p>Replies generated under the persona's prompt are read in the generator's own decoding pass;
 * every other reply (written, or generated under the neutral prompt) is read after the persona's
 * prompt as the generator would read it. Replies are cut to the generator's new-token limit, so
 * written and generated replies are alike in length. Examples are split into a training and a
 * held-out set by reply text (the same text is never on both sides), seeded. A linear probe at each
 * swept layer, scored on the held-out set, chooses the layer; there an attention head ({@value
 * #IN_CHARACTER}), a linear probe ({@value #IN_CHARACTER_PROBE}) and a persona vector per persona are
 * trained and Platt-calibrated on the held-out set. The same seed gives the same heads.
 *
 * <pre>{@code
 * PersonaCalibration.Result result = PersonaCalibration.builder(model).persona(captain).seed(7).build().calibrate();
 * result.save(Path.of("heads"));
 * }</pre>
 *
 * <p>Immutable; {@link #calibrate()} may run on any thread, one run at a time per model is fastest.
 */
public final class PersonaCalibration {
  /** The report's file name beside the heads. */
  public static final String REPORT_FILE = "calibration.json";
  /** The attention head's name, which the generator's selection ranks by. */
  public static final String IN_CHARACTER = "in_character";
  /** The linear probe's name. */
  public static final String IN_CHARACTER_PROBE = "in_character-probe";
  /** The system prompt the neutral replies are generated under. */
  public static final String NEUTRAL_SYSTEM_PROMPT = "You are a helpful assistant.";
  /** Contrast examples per class and persona by default. */
  public static final int DEFAULT_BUDGET = 192;
  /** The smallest budget: below it a held-out split has too few examples to choose a layer. */
  public static final int MIN_BUDGET = 16;
  /**
   * Positions a cap holds by default: the prompt's last and the first reply token, where the demo
   * model chooses how a reply opens (see the README's capping table for the measured choice).
   */
  public static final int DEFAULT_CAP_POSITIONS = 2;
  /**
   * The caps' default threshold: the median projection of the top replies' early tokens. On the demo
   * model the mean lifted more (3.3× fewer drifting replies alone) but moved distinct-2 16% from plain
   * sampling; the median, 2.1× and 13% (README's capping table).
   */
  public static final double DEFAULT_CAP_PERCENTILE = 50;
  /** The fraction of the model's own in-character replies at each end of the head's ranking a cap contrasts. */
  private static final double CAP_CONTRAST_FRACTION = 0.3;
  /** Fewer replies at each end than this, and a cap contrasts all the persona's examples instead. */
  private static final int MIN_CAP_REPLIES = 4;
  /** Whether saved calibrations turn capping on for generators of the model (measured: see the README). */
  static final boolean CAPPING_BY_DEFAULT = false;

  private static final Logger LOG = LoggerFactory.getLogger(PersonaCalibration.class);
  /** Candidates decoded as one batch per user message for the generated halves. */
  private static final int CANDIDATES_PER_MESSAGE = 8;
  /** Fraction of the reply texts held out, per class. */
  private static final double HELD_OUT_FRACTION = 0.25;
  /** Heads read the reply tokens' mean where they pool; the attention head reads every token. */
  private static final Pooling POOLING = Pooling.MEAN;

  /** Told how a calibration advances: {@code done} of {@code total} units of the named stage. */
  @FunctionalInterface
  public interface Listener {
    void onProgress(String stage, int done, int total);
  }

  private final LanguageModel model;
  private final List<Persona> personas;
  private final int budget;
  private final int[] layers;
  private final long seed;
  private final Duration deadline;
  private final Listener listener;
  private final PromptAssembler assembler;
  private final String userName;
  private final SamplerSettings sampler;
  private final StopConditions stop;
  private final ContrastBank bank;
  /** The threshold's percentile of the in-character side's projections, or NaN for their mean. */
  private final double capPercentile;
  /** Where the examples are read: the swept layers and the capped ones. */
  private final int[] taps;
  private final int[] capLayers;
  private final int capPositions;

  private PersonaCalibration(Builder b) {
    this.model = b.model;
    this.personas = List.copyOf(b.personas);
    this.budget = b.budget;
    this.layers = b.layers;
    this.seed = b.seed;
    this.deadline = b.deadline;
    this.listener = b.listener;
    this.assembler = b.assembler;
    this.userName = b.userName;
    this.sampler = b.sampler;
    this.stop = b.stop;
    this.bank = b.bank;
    this.capPercentile = b.capPercentile;
    this.capLayers = b.capLayers;
    this.capPositions = b.capPositions;
    this.taps = IntStream.concat(Arrays.stream(layers), Arrays.stream(capLayers)).distinct().sorted().toArray();
  }

  /** A calibration on {@code model}; at least one persona is required. */
  public static Builder builder(LanguageModel model) {
    return new Builder(model);
  }

  /**
   * The layers swept by default: a handful around the middle of the model, {@code layers/2 ± 2},
   * within the decoder layers' outputs 1..layers-1 (the embeddings and the final norm read little).
   */
  public static int[] defaultLayers(ModelInfo info) {
    int middle = info.layers() / 2;
    int from = Math.max(1, middle - 2);
    int to = Math.min(info.layers() - 1, middle + 2);
    if (from > to) {
      return new int[] {middle};
    }
    int[] out = new int[to - from + 1];
    Arrays.setAll(out, i -> from + i);
    return out;
  }

  /**
   * Fails unless every head file already in {@code dir} is bound to {@code model}: calibrated heads
   * are saved beside them, and a directory must not mix heads of two models. A missing directory
   * passes.
   *
   * @throws dev.persona4j.core.heads.HeadFileException naming the file and what differs
   */
  public static void checkHeadsDirectory(Path dir, ModelInfo model) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(model, "model");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + HeadFiles.WEIGHTS_SUFFIX)) {
      for (Path file : files) {
        HeadFiles.load(file, model);
      }
    } catch (IOException e) {
      throw new Persona4jException("cannot list the heads directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs the calibration: assembles and reads the contrast examples, sweeps the layers, trains and
   * calibrates the heads.
   *
   * @throws InvalidSettingException when a persona has no in-voice text to calibrate from
   * @throws HeadTrainingException when the deadline passes, or the data cannot train a head
   */
  public Result calibrate() {
    long started = System.nanoTime();
    long deadlineNanos = deadline == null ? Long.MAX_VALUE : started + deadline.toNanos();
    for (Persona persona : personas) {
      if (bank.inVoice(persona, userName).isEmpty()) {
        throw new InvalidSettingException("persona", persona.name(), "has no in-voice text to calibrate from: "
            + "give it example dialogues, greetings, trait examples or boundary responses");
      }
    }
    List<ContrastExample> examples = new ArrayList<>();
    Map<String, Map<String, Integer>> sizes = new LinkedHashMap<>();
    Random random = new Random(seed);
    for (Persona persona : personas) {
      List<ContrastExample> set = contrastSet(persona, random, deadlineNanos);
      Map<String, Integer> bySource = new LinkedHashMap<>();
      for (Source s : Source.values()) {
        bySource.put(s.key(), (int) set.stream().filter(e -> e.source() == s).count());
      }
      sizes.put(persona.name(), bySource);
      examples.addAll(set);
    }
    int[] labels = examples.stream().mapToInt(ContrastExample::label).toArray();
    int[] heldOut = heldOutByText(examples, HELD_OUT_FRACTION, new Random(seed));
    List<CandidateActivations> activations = examples.stream().map(ContrastExample::activations).toList();
    TrainingOptions options = TrainingOptions.builder().seed(seed).build();

    checkDeadline(deadlineNanos, "the layer sweep");
    progress("layer sweep", 0, 1);
    LayerSweep sweep = LayerSweep.run(activations, labels, heldOut, layers, POOLING, options);
    progress("layer sweep", 1, 1);
    int layer = sweep.best().layer();

    checkDeadline(deadlineNanos, "training the heads");
    int units = 2 + personas.size();
    progress("heads", 0, units);
    HeadTrainer trainer = new HeadTrainer();
    Map<String, TrainedHead> heads = new LinkedHashMap<>();
    heads.put(IN_CHARACTER, trainer.train(HeadSpec.attentionHead(IN_CHARACTER, new int[] {layer}), activations,
        labels, heldOut, options));
    progress("heads", 1, units);
    heads.put(IN_CHARACTER_PROBE, trainer.train(HeadSpec.linearProbe(IN_CHARACTER_PROBE, new int[] {layer}, POOLING),
        activations, labels, heldOut, options));
    progress("heads", 2, units);
    Set<Integer> held = new TreeSet<>();
    Arrays.stream(heldOut).forEach(held::add);
    Map<String, List<Capping>> capping = new LinkedHashMap<>();
    Map<String, PersonaVector> capVectors = new LinkedHashMap<>();
    Head inCharacterHead = heads.get(IN_CHARACTER).head();
    for (Persona persona : personas) {
      List<Integer> own = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        if (examples.get(i).persona().equals(persona.name())) {
          own.add(i);
        }
      }
      List<CandidateActivations> ownActivations = own.stream().map(activations::get).toList();
      int[] ownLabels = own.stream().mapToInt(i -> labels[i]).toArray();
      int[] ownHeldOut = IntStream.range(0, own.size()).filter(k -> held.contains(own.get(k))).toArray();
      String name = personaVectorName(persona);
      TrainedHead vector = HeadTrainer.personaVector(name, layer, ownActivations, ownLabels, ownHeldOut, POOLING, true);
      heads.put(name, vector);
      capping.put(persona.name(), capping(persona, own.stream().map(examples::get).toList(), inCharacterHead,
          capVectors));
      progress("heads", heads.size(), units);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, HeadFigures> figures = new LinkedHashMap<>();
    heads.forEach((name, h) -> figures.put(name, HeadFigures.of(h.summary())));
    Report report = new Report(model.info().architecture(), seed, budget, layers, sizes, examples.size() - heldOut.length,
        heldOut.length, sweep.scores(), layer, figures, capping, seconds);
    LOG.debug("calibrated {} on {}: layer {}, {}", personaNames(), model.info().architecture(), layer, figures);
    return new Result(heads, capVectors, sweep, report, model.info(), examples);
  }

  /**
   * The caps for one persona, one per cap layer, fitted where this kind of drift is decided: over the
   * first {@link #capPositions} tokens of the model's own replies under the persona's prompt, the
   * mean activation of the replies the calibrated {@value #IN_CHARACTER} head ranks highest minus
   * that of those it ranks lowest (the top and bottom {@value #CAP_CONTRAST_FRACTION} of them), and τ
   * at the mean of the top replies' projections (or {@link #capPercentile} of them): capping then
   * shifts a drifting opening to where an in-character one sits on average. With too few generated replies (a
   * small budget mostly filled by the persona's own texts), all in-character examples against all
   * out-of-character ones instead; the report says which.
   */
  private List<Capping> capping(Persona persona, List<ContrastExample> own, Head inCharacterHead,
      Map<String, PersonaVector> capVectors) {
    List<ContrastExample> generated = new ArrayList<>(own.stream()
        .filter(e -> e.source() == Source.GENERATED_IN_CHARACTER).toList());
    int q = (int) Math.round(CAP_CONTRAST_FRACTION * generated.size());
    List<CandidateActivations> in = new ArrayList<>();
    List<CandidateActivations> out = new ArrayList<>();
    String fittedOn;
    if (q >= MIN_CAP_REPLIES) {
      double[] score = generated.stream().mapToDouble(e -> inCharacterHead.score(e.activations())).toArray();
      List<Integer> order = IntStream.range(0, generated.size()).boxed()
          .sorted((a, b) -> Double.compare(score[b], score[a])).toList(); // stable: ties keep generation order
      order.subList(0, q).forEach(i -> in.add(firstTokens(generated.get(i).activations())));
      order.subList(order.size() - q, order.size()).forEach(i -> out.add(firstTokens(generated.get(i).activations())));
      fittedOn = "generated replies ranked by " + IN_CHARACTER + ": top " + q + " vs bottom " + q;
    } else {
      own.forEach(e -> (e.label() == 1 ? in : out).add(firstTokens(e.activations())));
      fittedOn = "all contrast examples: " + in.size() + " in character vs " + out.size() + " out";
    }
    List<Capping> caps = new ArrayList<>();
    for (int layer : capLayers) {
      String name = personaVectorName(persona) + "-cap" + layer;
      PersonaVector direction = HeadTrainer.personaVector(name, layer, in, out, POOLING, true);
      capVectors.put(name, direction);
      boolean mean = Double.isNaN(capPercentile);
      float threshold = mean ? meanProjection(direction, in) : PersonaGenerator.capThreshold(direction, in, capPercentile);
      caps.add(new Capping(name, new int[] {layer}, threshold, capPositions,
          mean ? "mean" : String.format(Locale.ROOT, "percentile %s", capPercentile), fittedOn,
          deciles(direction, in), deciles(direction, out)));
    }
    return caps;
  }

  /** The activations of a reply's first {@link #capPositions} tokens, where a cap holds. */
  private CandidateActivations firstTokens(CandidateActivations a) {
    if (capPositions == 0 || a.tokens() <= capPositions) {
      return a;
    }
    int[] ls = a.layers();
    float[][][] values = new float[ls.length][][];
    for (int i = 0; i < ls.length; i++) {
      values[i] = Arrays.copyOf(a.layer(ls[i]), capPositions);
    }
    return CandidateActivations.wrap(ls, values);
  }

  /** The mean per-token projection of {@code examples} on the vector's unit direction. */
  private static float meanProjection(PersonaVector vector, List<CandidateActivations> examples) {
    double[] unit = new double[vector.direction().length];
    double norm = Math.sqrt(IntStream.range(0, unit.length).mapToDouble(i -> (double) vector.direction()[i]
        * vector.direction()[i]).sum());
    Arrays.setAll(unit, i -> vector.direction()[i] / norm);
    double sum = 0;
    int tokens = 0;
    for (CandidateActivations a : examples) {
      for (float[] token : a.layer(vector.layer())) {
        for (int i = 0; i < unit.length; i++) {
          sum += token[i] * unit[i];
        }
        tokens++;
      }
    }
    return (float) (sum / tokens);
  }

  /** The 10th, 20th, ..., 90th percentiles of the per-token projections on the vector's unit direction. */
  private static double[] deciles(PersonaVector vector, List<CandidateActivations> examples) {
    double[] out = new double[9];
    for (int k = 1; k <= 9 && !examples.isEmpty(); k++) {
      out[k - 1] = PersonaGenerator.capThreshold(vector, examples, 10 * k);
    }
    return out;
  }

  /** {@code persona-<name>}, the name made file-safe. */
  static String personaVectorName(Persona persona) {
    String slug = persona.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    return "persona-" + (slug.isEmpty() ? "unnamed" : slug);
  }

  private List<String> personaNames() {
    return personas.stream().map(Persona::name).toList();
  }

  /** The contrast examples of one persona, each placed after its prompt, with their activations. */
  private List<ContrastExample> contrastSet(Persona persona, Random random, long deadlineNanos) {
    String stage = "contrast examples (" + persona.name() + ")";
    Map<String, int[]> prompts = new HashMap<>();
    List<Written> written = new ArrayList<>();

    // In character: the persona's own texts first, the model's replies in its voice fill the budget.
    List<Exchange> inVoice = sample(bank.inVoice(persona, userName), budget, random);
    inVoice.forEach(x -> written.add(new Written(Source.IN_VOICE, x)));
    int generatedIn = budget - inVoice.size();

    // Out of character: a third each generated neutral replies and other personas' texts, the rest generic.
    int generatedNeutral = budget / 3;
    List<Exchange> others = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    seen.add(persona.name());
    List<Persona> contrast = new ArrayList<>(personas);
    contrast.addAll(bank.contrastPersonas());
    for (Persona other : contrast) {
      if (seen.add(other.name())) {
        others.addAll(bank.inVoice(other, userName));
      }
    }
    others = sample(others, budget / 3, random);
    others.forEach(x -> written.add(new Written(Source.OTHER_PERSONAS, x)));
    List<Exchange> generic = sample(bank.genericReplies(), budget - generatedNeutral - others.size(), random);
    generic.forEach(x -> written.add(new Written(Source.GENERIC_ASSISTANT, x)));

    int total = written.size() + generatedIn + generatedNeutral;
    List<ContrastExample> out = new ArrayList<>(total);
    List<String> messages = new ArrayList<>(bank.userMessages());
    Collections.shuffle(messages, random);

    // The model's own replies under the persona's prompt, read in the decoding pass.
    PersonaGenerator inCharacter = generator(persona).keepActivations(taps).build();
    int message = 0;
    while (countOf(out, Source.GENERATED_IN_CHARACTER) < generatedIn) {
      checkDeadline(deadlineNanos, stage);
      String user = messages.get(message++ % messages.size());
      Reply reply = inCharacter.reply(Conversation.empty().withUser(user), ReplyOptions.builder().seed(random.nextLong()).build());
      for (Candidate c : reply.candidates()) {
        CandidateActivations a = reply.activations(c).orElse(null);
        if (a != null && a.tokens() > 0 && !c.text().isBlank() && countOf(out, Source.GENERATED_IN_CHARACTER) < generatedIn) {
          out.add(new ContrastExample(persona.name(), Source.GENERATED_IN_CHARACTER, user, c.text().strip(), a));
        }
      }
      progress(stage, out.size(), total);
    }

    // The model's own replies under the neutral prompt, read after the persona's prompt like the written texts.
    PersonaGenerator neutral = generator(Persona.builder().name("Assistant").systemPrompt(NEUTRAL_SYSTEM_PROMPT).build())
        .build();
    List<int[]> neutralIds = new ArrayList<>();
    List<Exchange> neutralReplies = new ArrayList<>();
    while (neutralReplies.size() < generatedNeutral) {
      checkDeadline(deadlineNanos, stage);
      String user = messages.get(message++ % messages.size());
      Reply reply = neutral.reply(Conversation.empty().withUser(user), ReplyOptions.builder().seed(random.nextLong()).build());
      for (Candidate c : reply.candidates()) {
        if (c.tokenCount() > 0 && !c.text().isBlank() && neutralReplies.size() < generatedNeutral) {
          neutralReplies.add(new Exchange("neutral", user, c.text().strip()));
          neutralIds.add(c.tokens());
        }
      }
      progress(stage, out.size() + neutralReplies.size(), total);
    }

    checkDeadline(deadlineNanos, stage);
    List<int[]> promptIds = new ArrayList<>();
    List<int[]> replyIds = new ArrayList<>();
    List<Written> toRead = new ArrayList<>();
    for (Written w : written) {
      int[] ids = model.tokenizer().encode(w.exchange().reply(), false);
      if (ids.length > 0) {
        toRead.add(w);
        promptIds.add(prompts.computeIfAbsent(w.exchange().user(), u -> promptIds(persona, u)));
        replyIds.add(Arrays.copyOf(ids, Math.min(ids.length, stop.maxNewTokens())));
      }
    }
    for (int i = 0; i < neutralReplies.size(); i++) {
      Exchange x = neutralReplies.get(i);
      toRead.add(new Written(Source.GENERATED_NEUTRAL, x));
      promptIds.add(prompts.computeIfAbsent(x.user(), u -> promptIds(persona, u)));
      replyIds.add(neutralIds.get(i));
    }
    List<CandidateActivations> read = ActivationCollector.builder(model).taps(taps).build()
        .collectReplies(promptIds, replyIds);
    for (int i = 0; i < toRead.size(); i++) {
      Written w = toRead.get(i);
      out.add(new ContrastExample(persona.name(), w.source(), w.exchange().user(), w.exchange().reply(), read.get(i)));
    }
    progress(stage, out.size(), total);
    return out;
  }

  /** A reply that is not read in a decoding pass, with its source. */
  private record Written(Source source, Exchange exchange) {}

  private PersonaGenerator.Builder generator(Persona persona) {
    return PersonaGenerator.builder(model, persona)
        .assembler(assembler)
        .userName(userName)
        .sampler(sampler)
        .stop(stop)
        .heads(List.of()) // no heads, not even the profile's: every candidate is kept, none is scored
        .policy(SelectionPolicy.builder().candidatesPerRound(CANDIDATES_PER_MESSAGE).build());
  }

  /** The ids of {@code persona}'s prompt for a conversation of one user message, as the generator builds it. */
  private int[] promptIds(Persona persona, String user) {
    return assembler.assemble(persona, Conversation.empty().withUser(user), userName,
        model.info().contextLength() - stop.maxNewTokens()).ids();
  }

  private static int countOf(List<ContrastExample> examples, Source source) {
    return (int) examples.stream().filter(e -> e.source() == source).count();
  }

  /** At most {@code n} of {@code items}, a seeded choice kept in their order. */
  private static <T> List<T> sample(List<T> items, int n, Random random) {
    if (items.size() <= n) {
      return List.copyOf(items);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    return order.subList(0, n).stream().sorted().map(items::get).toList();
  }

  /**
   * The held-out indices: a seeded {@code fraction} of the distinct reply texts of each class (by the
   * label of a text's first example), with every example of those texts, so that no reply text is on
   * both sides of the split.
   */
  static int[] heldOutByText(List<ContrastExample> examples, double fraction, Random random) {
    Map<String, Integer> classOf = new LinkedHashMap<>();
    for (ContrastExample e : examples) {
      classOf.putIfAbsent(e.reply(), e.label());
    }
    Set<String> held = new LinkedHashSet<>();
    for (int cls = 0; cls <= 1; cls++) {
      int c = cls;
      List<String> texts = new ArrayList<>(classOf.keySet().stream().filter(t -> classOf.get(t) == c).toList());
      Collections.shuffle(texts, random);
      int n = (int) Math.max(1, Math.min(texts.size() - 1, Math.round(fraction * texts.size())));
      held.addAll(texts.subList(0, Math.max(0, n)));
    }
    return IntStream.range(0, examples.size())
        .filter(i -> held.contains(examples.get(i).reply())).toArray();
  }

  private void checkDeadline(long deadlineNanos, String stage) {
    if (System.nanoTime() > deadlineNanos) {
      throw new HeadTrainingException("calibration deadline of " + deadline + " passed before " + stage);
    }
  }

  private void progress(String stage, int done, int total) {
    if (listener != null) {
      listener.onProgress(stage, done, total);
    }
  }

  /**
   * Held-out figures of a calibrated head (calibrated on that split, so mildly optimistic).
   *
   * @param kind the head's kind
   * @param trainExamples examples it was trained (or, for a persona vector, fitted) on
   * @param heldOutExamples held-out examples its figures and calibration come from
   * @param accuracy at {@code threshold}
   * @param auc area under the ROC curve
   * @param ece expected calibration error, 10 bins
   * @param threshold the decision threshold on the calibrated probability
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record HeadFigures(String kind, int trainExamples, int heldOutExamples, double accuracy, double auc,
      double ece, double threshold) {
    static HeadFigures of(TrainedHead.Summary s) {
      return new HeadFigures(s.kind().name().toLowerCase(Locale.ROOT), s.trainExamples(), s.validationExamples(),
          s.validationAccuracy(), s.validationAuc(), s.expectedCalibrationError(), s.threshold());
    }
  }

  /**
   * What a calibration did and how well its heads separate the held-out examples.
   *
   * @param model the model's architecture
   * @param seed the seed of every random choice
   * @param budget contrast examples per class and persona
   * @param layers the layers swept
   * @param contrastSets per persona, the number of examples from each source ({@code in_voice},
   *     {@code generated_in_character}, {@code generic_assistant}, {@code other_personas}, {@code
   *     generated_neutral})
   * @param trainExamples examples on the training side of the split
   * @param heldOutExamples examples on the held-out side
   * @param sweep held-out accuracy and AUC of a linear probe at each swept layer
   * @param chosenLayer the layer the heads read
   * @param heads held-out figures by head name
   * @param capping per persona name, its activation caps, one per capped layer
   * @param seconds time the calibration took
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Report(String model, long seed, int budget, int[] layers, Map<String, Map<String, Integer>> contrastSets,
      int trainExamples, int heldOutExamples, List<LayerSweep.LayerScore> sweep, int chosenLayer,
      Map<String, HeadFigures> heads, Map<String, List<Capping>> capping, double seconds) {
    public Report {
      layers = layers.clone();
      Map<String, List<Capping>> caps = new LinkedHashMap<>();
      capping.forEach((persona, list) -> caps.put(persona, List.copyOf(list)));
      capping = Collections.unmodifiableMap(caps);
      contrastSets = Collections.unmodifiableMap(new LinkedHashMap<>(contrastSets));
      sweep = List.copyOf(sweep);
      heads = Collections.unmodifiableMap(new LinkedHashMap<>(heads));
    }

    /** A copy of the swept layers. */
    @Override
    public int[] layers() {
      return layers.clone();
    }

    /** The report as indented JSON (non-finite figures as null). */
    public String toJson() {
      try {
        return Json.pretty().writeValueAsString(finite(Json.mapper().valueToTree(this)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a report of numbers and names always serialises", e);
      }
    }
  }

  /** {@code node} with every NaN or infinite number replaced by null, which JSON can hold. */
  private static JsonNode finite(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().forEach(e -> {
        if (e.getValue().isNumber() && !Double.isFinite(e.getValue().doubleValue())) {
          e.setValue(object.nullNode());
        } else {
          finite(e.getValue());
        }
      });
    } else if (node.isArray()) {
      node.forEach(PersonaCalibration::finite);
    }
    return node;
  }

  /**
   * An activation cap for {@link PersonaGenerator.Builder#cap(PersonaVector, float, int...)}: along
   * the persona vector named {@code vector}, at decoder {@code layers}, at {@code threshold}, held for
   * a reply's first {@code positions} positions (0: all), the {@code floor} (the in-character side's
   * mean projection, or a percentile of it) τ was chosen at, what the direction was fitted on, and the deciles (10th
   * to 90th percentile) of the per-token projections of both sides: how far apart they sit along the
   * direction, and where τ falls.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Capping(String vector, int[] layers, float threshold, int positions, String floor,
      String fittedOn, double[] inCharacterDeciles, double[] outOfCharacterDeciles) {
    public Capping {
      Objects.requireNonNull(vector, "vector");
      Objects.requireNonNull(fittedOn, "fittedOn");
      layers = layers.clone();
      inCharacterDeciles = inCharacterDeciles.clone();
      outOfCharacterDeciles = outOfCharacterDeciles.clone();
    }

    /** A copy of the in-character deciles. */
    @Override
    public double[] inCharacterDeciles() {
      return inCharacterDeciles.clone();
    }

    /** A copy of the out-of-character deciles. */
    @Override
    public double[] outOfCharacterDeciles() {
      return outOfCharacterDeciles.clone();
    }

    /** A copy of the layers. */
    @Override
    public int[] layers() {
      return layers.clone();
    }
  }

  /** The calibrated heads, bound to the model they were calibrated on, and the report. */
  public static final class Result {
    private final Map<String, TrainedHead> heads;
    private final Map<String, PersonaVector> capVectors;
    private final LayerSweep sweep;
    private final Report report;
    private final ModelInfo model;
    /** The contrast examples the heads came from (not kept beyond the result). */
    final List<ContrastExample> examples;

    private Result(Map<String, TrainedHead> heads, Map<String, PersonaVector> capVectors, LayerSweep sweep,
        Report report, ModelInfo model, List<ContrastExample> examples) {
      this.heads = Collections.unmodifiableMap(new LinkedHashMap<>(heads));
      this.capVectors = Collections.unmodifiableMap(new LinkedHashMap<>(capVectors));
      this.sweep = sweep;
      this.report = report;
      this.model = model;
      this.examples = examples;
    }

    /** Every head by name: {@value #IN_CHARACTER}, {@value #IN_CHARACTER_PROBE}, then a persona vector per persona. */
    public Map<String, TrainedHead> heads() {
      return heads;
    }

    /** The layer sweep that chose the layer. */
    public LayerSweep sweep() {
      return sweep;
    }

    /** The directions of the caps by name ({@code persona-<name>-cap<layer>}), persona vectors saved with the heads. */
    public Map<String, PersonaVector> capVectors() {
      return capVectors;
    }

    public Report report() {
      return report;
    }

    /**
     * Saves every head bound to the model ({@link HeadFiles}), {@value #REPORT_FILE}, and the profile
     * fragment {@value ModelProfile#HEADS_FILE} (the heads, ranking by {@value #IN_CHARACTER}, each
     * persona's cap) into {@code dir}, creating it; returns the files written, heads first. Saved
     * into the model directory's {@value ModelProfile#CALIBRATED_DIR}, every generator built for the
     * model then uses them (see {@link ModelProfile#read}); elsewhere, {@link
     * ModelProfile#withHeadsFrom} reads them.
     *
     * @throws dev.persona4j.core.heads.HeadFileException if {@code dir} holds heads of another model
     */
    public List<Path> save(Path dir) {
      checkHeadsDirectory(dir, model);
      List<Path> written = new ArrayList<>();
      for (TrainedHead head : heads.values()) {
        written.add(head.save(dir, model));
      }
      for (PersonaVector vector : capVectors.values()) {
        written.add(HeadFiles.save(dir, vector, model));
      }
      ObjectNode fragment = Json.mapper().createObjectNode();
      written.forEach(f -> fragment.withArray("heads").add(dir.relativize(f).toString()));
      written.add(write(dir.resolve(REPORT_FILE), report.toJson()));
      fragment.put("selection_head", IN_CHARACTER);
      ObjectNode caps = fragment.putObject("caps");
      report.capping().forEach((persona, list) -> list.forEach(cap -> {
        ObjectNode c = caps.withArray(persona).addObject();
        c.put("vector", cap.vector());
        Arrays.stream(cap.layers()).forEach(c.withArray("layers")::add);
        c.put("threshold", cap.threshold());
        c.put("positions", cap.positions());
      }));
      fragment.put("capping", CAPPING_BY_DEFAULT);
      try {
        written.add(write(dir.resolve(ModelProfile.HEADS_FILE), Json.pretty().writeValueAsString(fragment)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a fragment of names and numbers always serialises", e);
      }
      return List.copyOf(written);
    }

    private static Path write(Path file, String json) {
      try {
        Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Persona4jException("cannot write " + file + ": " + e.getMessage(), e);
      }
      return file;
    }
  }

  /** Settings of a calibration; each is checked as it is set, and against the model at {@link #build()}. */
  public static final class Builder {
    private final LanguageModel model;
    private final List<Persona> personas = new ArrayList<>();
    private int budget = DEFAULT_BUDGET;
    private int[] layers;
    private long seed;
    private Duration deadline;
    private Listener listener;
    private ModelProfile profile;
    private PromptAssembler assembler;
    private String userName;
    private SamplerSettings sampler;
    private StopConditions stop;
    private ContrastBank bank;
    private double capPercentile = DEFAULT_CAP_PERCENTILE;
    private int[] capLayers;
    private int capPositions = DEFAULT_CAP_POSITIONS;

    private Builder(LanguageModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** Adds a persona to calibrate (and to contrast the others with). */
    public Builder persona(Persona persona) {
      Objects.requireNonNull(persona, "persona");
      for (Persona p : personas) {
        if (p.name().equals(persona.name())) {
          throw new InvalidSettingException("persona", persona.name(), "is already added: persona names must be unique");
        }
      }
      personas.add(persona);
      return this;
    }

    public Builder personas(List<Persona> personas) {
      personas.forEach(this::persona);
      return this;
    }

    /** Contrast examples per class and persona (default {@value #DEFAULT_BUDGET}), at least {@value #MIN_BUDGET}. */
    public Builder budget(int budget) {
      if (budget < MIN_BUDGET) {
        throw new InvalidSettingException("budget", budget, "must be >= " + MIN_BUDGET
            + " contrast examples per class, or the held-out split cannot choose a layer");
      }
      this.budget = budget;
      return this;
    }

    /** The hidden-state indices to sweep; default {@link #defaultLayers}. */
    public Builder layers(int... layers) {
      this.layers = Objects.requireNonNull(layers, "layers").clone();
      return this;
    }

    /** Seeds every choice, generation and training (default 0): the same seed gives the same heads. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Time allowed; the calibration fails with a typed error between steps after it. Default: none. */
    public Builder deadline(Duration deadline) {
      if (deadline == null || deadline.isNegative() || deadline.isZero()) {
        throw new InvalidSettingException("deadline", deadline, "must be positive");
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * The percentile (0 to 100) of the in-character side's token projections that the caps lift the
     * residual stream to; default {@value #DEFAULT_CAP_PERCENTILE}; NaN: their mean.
     */
    public Builder capPercentile(double percentile) {
      if (!Double.isNaN(percentile) && !(percentile >= 0 && percentile <= 100)) {
        throw new InvalidSettingException("capping percentile", percentile, "must be in [0, 100]");
      }
      this.capPercentile = percentile;
      return this;
    }

    /**
     * The decoder layers capped, each along its own direction with its own threshold (default: every
     * one); the contrast examples are read there as well as at the swept layers.
     */
    public Builder capLayers(int... layers) {
      this.capLayers = Objects.requireNonNull(layers, "layers").clone();
      return this;
    }

    /**
     * Positions the caps hold (the prompt's last and the first reply tokens) and are fitted on;
     * default {@value #DEFAULT_CAP_POSITIONS}; 0: every position.
     */
    public Builder capPositions(int positions) {
      if (positions < 0) {
        throw new InvalidSettingException("capping positions", positions, "must be >= 0 (0: every position)");
      }
      this.capPositions = positions;
      return this;
    }

    /**
     * The profile the unset prompt, sampling and stop settings come from; default the model's own
     * ({@link ModelProfile#of}). A GGUF file carries none: give the profile of the directory it came from.
     */
    public Builder profile(ModelProfile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /** Told of progress; null for none (default). */
    public Builder listener(Listener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * How prompts are built, as the generator the heads will serve builds them; default as the
     * generator's default: the model's chat template with the profile's definition style.
     */
    public Builder assembler(PromptAssembler assembler) {
      this.assembler = Objects.requireNonNull(assembler, "assembler");
      return this;
    }

    /** The user's name in prompts and placeholders; default the model profile's. */
    public Builder userName(String userName) {
      if (userName == null || userName.isBlank()) {
        throw new InvalidSettingException("userName", userName, "must be a non-blank name");
      }
      this.userName = userName;
      return this;
    }

    /** Sampling of the generated replies; default the model profile's. */
    public Builder sampler(SamplerSettings sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    /**
     * How generated replies stop, as in the generator the heads will serve; its new-token limit also
     * cuts the written replies. Default: the model profile's new-token limit and stop strings.
     */
    public Builder stop(StopConditions stop) {
      this.stop = Objects.requireNonNull(stop, "stop");
      return this;
    }

    /**
     * @throws InvalidSettingException without a persona, or for a layer that is not a hidden-state
     *     index of the model
     */
    public PersonaCalibration build() {
      if (personas.isEmpty()) {
        throw new InvalidSettingException("personas", "[]", "name at least one persona to calibrate");
      }
      if (layers == null) {
        layers = defaultLayers(model.info());
      }
      ActivationCollector.checkLayers(model.info(), layers, "layers");
      if (capLayers == null) {
        capLayers = IntStream.range(0, model.info().layers()).toArray();
      }
      if (capLayers.length == 0) {
        throw new InvalidSettingException("capLayers", "[]", "name at least one decoder layer to cap");
      }
      for (int layer : capLayers) {
        if (layer < 0 || layer >= model.info().layers()) {
          throw new InvalidSettingException("cap layer", layer, "must be a decoder layer in [0, "
              + (model.info().layers() - 1) + "] of " + model.info().architecture());
        }
      }
      // Unset settings come from the model's profile, as the generator the heads will serve takes them.
      ModelProfile profile = this.profile != null ? this.profile : ModelProfile.of(model);
      if (assembler == null) {
        assembler = PromptAssembler.forTokenizer(model.tokenizer()).withDefinitionStyle(profile.definitionStyle());
      }
      if (userName == null) {
        userName = profile.userName();
      }
      if (sampler == null) {
        sampler = profile.sampler();
      }
      if (stop == null) {
        stop = StopConditions.builder().maxNewTokens(profile.maxNewTokens()).stopStrings(profile.stopStrings()).build();
      }
      bank = ContrastBank.bundled();
      return new PersonaCalibration(this);
    }
  }
}
