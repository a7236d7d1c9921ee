package dev.persona4j.core.generate;

import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.heads.PersonaVector;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.Prompt;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.samplers.InvalidSettingException;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.StopConditions;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.CandidateScorer;
import dev.persona4j.samplers.rejection.FinishReason;
import dev.persona4j.samplers.rejection.Selection;
import dev.persona4j.samplers.rejection.SelectionPolicy;
import dev.persona4j.samplers.rejection.SelectionRun;
import dev.persona4j.tokenizers.ChatTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates a persona's replies: assembles the prompt, prefills it once, decodes a round of
 * candidates as one batch, scores each with the heads from the activations captured while it was
 * decoded, and lets the {@link SelectionPolicy} pick one (or ask for another round).
 *
 * <p>Immutable and thread-safe: one generator (and one loaded model) can serve many threads at
 * once; every reply gets its own decoding state.
 *
 * <pre>{@code
 * PersonaGenerator generator = PersonaGenerator.builder(model, persona)
 *     .sampler(SamplerSettings.builder().temperature(0.8).topP(0.95).build())
 *     .head(inCharacterHead)
 *     .policy(SelectionPolicy.builder().candidatesPerRound(8).scorer(CandidateScorer.head("in_character")).build())
 *     .build();
 * Reply reply = generator.reply(Conversation.empty().withUser("Ahoy! How's the sea today?"));
 * }</pre>
 */
public final class PersonaGenerator {
  private static final Logger log = LoggerFactory.getLogger(PersonaGenerator.class);

  private final LanguageModel model;
  private final Persona persona;
  private final ModelProfile profile;
  private final PromptAssembler assembler;
  private final String userName;
  private final SamplerSettings sampler;
  private final StopConditions stop;
  private final List<Head> heads;
  private final SelectionPolicy policy;
  private final int explicitBudget;
  private final Long seed;
  private final Duration deadline;
  private final Steering steering;
  private final Capping capping;
  /** Whether the caps hold only rounds after the first (see {@link Builder#capRetriesOnly}). */
  private final boolean capRetriesOnly;
  private final boolean keepActivations;
  private final Set<Integer> extraTaps;
  private final int[] taps;

  private record Steering(int tap, float[] direction, float coefficient) {}

  /**
   * Activation capping (see {@link Builder#cap}): one cap per capped layer, held for the prompt's last
   * position and the first {@code positions − 1} reply tokens, or for every position when 0.
   */
  private record Capping(List<LayerCap> caps, int positions) {
    Capping with(LayerCap cap) {
      if (caps.stream().anyMatch(c -> c.layer() == cap.layer())) {
        throw new InvalidSettingException("capping layer", cap.layer(), "is already capped: one cap per layer");
      }
      List<LayerCap> more = new ArrayList<>(caps);
      more.add(cap);
      return new Capping(List.copyOf(more), positions);
    }

    void apply(DecodingState state) {
      caps.forEach(c -> state.cap(c.layer(), c.direction(), c.threshold()));
    }
  }

  /** A cap at one layer: unit direction, threshold τ. */
  private record LayerCap(int layer, float[] direction, float threshold) {}

  private PersonaGenerator(Builder b) {
    this.model = b.model;
    this.persona = b.persona;
    this.profile = b.profile != null ? b.profile : ModelProfile.of(model);
    this.assembler = b.assembler != null ? b.assembler
        : PromptAssembler.forTokenizer(model.tokenizer()).withDefinitionStyle(profile.definitionStyle());
    this.userName = b.userName != null ? b.userName : profile.userName();
    this.sampler = b.sampler != null ? b.sampler : profile.sampler();
    this.heads = b.heads != null ? List.copyOf(b.heads) : loadHeads(profile, model);
    SelectionPolicy chosen = b.policy != null ? b.policy : defaultPolicy(heads, profile);
    this.policy = b.candidates > 0 ? withCandidates(chosen, b.candidates) : chosen;
    checkScorerReadsOnlyTheseHeads(policy, heads);
    this.seed = b.seed;
    this.deadline = b.deadline;
    this.steering = b.steering;
    Capping caps = b.capping != null ? b.capping
        : b.uncapped ? null : profileCap(b.heads == null && profile.capping() ? profile.caps(persona.name())
            : List.of(), heads, model);
    this.capping = caps == null || b.capPositions == null ? caps : new Capping(caps.caps(), b.capPositions);
    this.capRetriesOnly = b.capRetriesOnly;
    this.keepActivations = b.keepActivations;
    Set<Integer> stopIds = new LinkedHashSet<>(model.generationConfig().eosTokenIds());
    stopIds.addAll(model.tokenizer().eosTokenIds());
    StopConditions given = b.stop != null ? b.stop
        : StopConditions.builder().maxNewTokens(profile.maxNewTokens()).stopStrings(profile.stopStrings()).build();
    stopIds.addAll(given.stopTokenIds());
    this.stop = given.toBuilder().stopTokenIds(stopIds).build();
    this.explicitBudget = b.contextBudget;
    contextBudget(stop.maxNewTokens()); // fails now rather than at the first reply
    this.extraTaps = Set.copyOf(b.extraTaps);
    Set<Integer> tapSet = new TreeSet<>(b.extraTaps);
    for (Head head : heads) {
      for (int layer : head.layers()) {
        if (layer < 0 || layer > model.info().layers()) {
          throw new InvalidSettingException("head " + head.name() + " layer", layer,
              "must be a hidden-state index in [0, " + model.info().layers() + "] of " + model.info().architecture());
        }
        if (head.hiddenSize() != model.info().hiddenSize()) {
          throw new InvalidSettingException("head " + head.name() + " hiddenSize", head.hiddenSize(),
              "must equal the model's hidden size " + model.info().hiddenSize());
        }
        tapSet.add(layer);
      }
    }
    this.taps = tapSet.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The tokens a prompt may use when candidates may grow by {@code maxNewTokens}. */
  private int contextBudget(int maxNewTokens) {
    int budget = explicitBudget > 0 ? explicitBudget : model.info().contextLength() - maxNewTokens;
    if (budget < 1) {
      throw new InvalidSettingException("contextBudget", budget,
          "leaves no room for a prompt: the model's context is " + model.info().contextLength()
              + " tokens and maxNewTokens is " + maxNewTokens);
    }
    return budget;
  }

  /** The profile's heads, bound to the model; a missing or mismatched file fails naming it. */
  private static List<Head> loadHeads(ModelProfile profile, LanguageModel model) {
    List<Head> loaded = new ArrayList<>();
    for (Path file : profile.heads()) {
      loaded.add(HeadFiles.load(file, model));
    }
    return loaded;
  }

  /**
   * The profile's caps as the generator applies them, or null without any: each one's vector must be
   * one of {@code heads}, a persona vector of the model's hidden size, and its layers decoder layers.
   */
  private static Capping profileCap(List<ModelProfile.Cap> caps, List<Head> heads, LanguageModel model) {
    if (caps.isEmpty()) {
      return null;
    }
    Capping capping = new Capping(List.of(), caps.get(0).positions());
    for (ModelProfile.Cap cap : caps) {
      PersonaVector vector = heads.stream().filter(h -> h.name().equals(cap.vector()) && h instanceof PersonaVector)
          .map(PersonaVector.class::cast).findFirst()
          .orElseThrow(() -> new InvalidSettingException("profile cap vector", cap.vector(),
              "must name a persona vector among the generator's heads "
                  + heads.stream().map(Head::name).toList()));
      int[] layers = cap.layers();
      if (layers.length == 0) {
        throw new InvalidSettingException("profile cap layers", "[]", "must name at least one decoder layer");
      }
      if (!Float.isFinite(cap.threshold())) {
        throw new InvalidSettingException("profile cap threshold", cap.threshold(), "must be finite");
      }
      if (cap.positions() != capping.positions()) {
        throw new InvalidSettingException("profile cap positions", cap.positions(),
            "must be the same for every cap of a persona (" + capping.positions() + ")");
      }
      float[] unit = unit(vector.direction(), "persona vector '" + vector.name() + "' direction");
      for (int layer : layers) {
        if (layer < 0 || layer >= model.info().layers()) {
          throw new InvalidSettingException("profile cap layer", layer,
              "must be in [0, " + (model.info().layers() - 1) + "] (the residual stream entering a decoder layer)");
        }
        capping = capping.with(new LayerCap(layer, unit, cap.threshold()));
      }
    }
    return capping;
  }

  /** One candidate without heads; else best-of-N by the profile's selection head, or the mean of all. */
  private static SelectionPolicy defaultPolicy(List<Head> heads, ModelProfile profile) {
    SelectionPolicy.Builder p = SelectionPolicy.builder().candidatesPerRound(heads.isEmpty() ? 1 : profile.candidates());
    if (!heads.isEmpty()) {
      p.scorer(profile.selectionHead().map(CandidateScorer::head).orElseGet(CandidateScorer::meanOfAll));
    }
    return p.build();
  }

  private static SelectionPolicy withCandidates(SelectionPolicy policy, int n) {
    return policy.toBuilder().maxCandidatesPerRound(Math.max(n, 64)).candidatesPerRound(n).build();
  }

  /**
   * Scores a candidate carrying every head's score with the policy's scorer, so that a scorer naming
   * a head the generator does not run fails at build time instead of after a round was decoded.
   */
  private static void checkScorerReadsOnlyTheseHeads(SelectionPolicy policy, List<Head> heads) {
    Map<String, Double> scores = new LinkedHashMap<>();
    heads.forEach(h -> scores.put(h.name(), 0.5));
    Candidate probe = Candidate.decoded(0, 0, 0, "", new int[0], FinishReason.MAX_TOKENS).withScores(scores);
    try {
      policy.scorer().score(probe);
    } catch (InvalidSettingException e) {
      throw new InvalidSettingException("policy scorer", policy.scorer().describe(),
          "must read only the generator's heads " + scores.keySet() + ": " + e.getMessage());
    }
  }

  /**
   * A builder for {@code persona} on {@code model}, starting from the model's {@link ModelProfile}
   * ({@value ModelProfile#FILE} in its directory, else the library's defaults): its definition
   * style, user name, sampling, new-token limit, stop strings, heads and candidates. Anything set on
   * the builder overrides the profile.
   */
  public static Builder builder(LanguageModel model, Persona persona) {
    return new Builder(model, persona);
  }

  /**
   * A capping threshold τ for {@link Builder#cap(PersonaVector, float, int...)}: the {@code
   * percentile} (0 to 100, nearest rank) of the per-token projections of in-character activations at
   * the vector's layer on its unit direction. E.g. the 25th percentile lets three quarters of
   * in-character tokens pass unchanged and lifts the rest, and any drifting token, up to τ.
   *
   * @throws InvalidSettingException if the percentile is out of range, no activations are given, or
   *     one lacks the vector's layer
   */
  public static float capThreshold(PersonaVector vector, List<CandidateActivations> inCharacter, double percentile) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new InvalidSettingException("capping percentile", percentile, "must be in [0, 100]");
    }
    if (inCharacter.isEmpty()) {
      throw new InvalidSettingException("in-character activations", 0, "must hold at least one candidate");
    }
    float[] d = unit(vector.direction(), "persona vector '" + vector.name() + "' direction");
    List<Float> projections = new ArrayList<>();
    for (CandidateActivations a : inCharacter) {
      if (!a.hasLayer(vector.layer())) {
        throw new InvalidSettingException("in-character activation layers", Arrays.toString(a.layers()),
            "must include persona vector '" + vector.name() + "''s layer " + vector.layer());
      }
      for (float[] token : a.layer(vector.layer())) {
        double p = 0;
        for (int i = 0; i < d.length; i++) {
          p += (double) token[i] * d[i];
        }
        projections.add((float) p);
      }
    }
    if (projections.isEmpty()) {
      throw new InvalidSettingException("in-character activations", 0, "must hold at least one token");
    }
    Collections.sort(projections);
    int rank = (int) Math.ceil(percentile / 100 * projections.size());
    return projections.get(Math.max(rank, 1) - 1);
  }

  /** {@code v} scaled to unit length; fails naming {@code what} if it is zero or not finite. */
  private static float[] unit(float[] v, String what) {
    double norm = 0;
    for (float f : v) {
      norm += (double) f * f;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Double.isFinite(norm)) {
      throw new InvalidSettingException(what, "length " + norm, "must be a finite non-zero vector");
    }
    float[] u = new float[v.length];
    for (int i = 0; i < u.length; i++) {
      u[i] = (float) (v[i] / norm);
    }
    return u;
  }

  /** A builder holding this generator's settings, to derive another generator from it. */
  public Builder toBuilder() {
    Builder b = new Builder(model, persona);
    b.profile = profile;
    b.assembler = assembler;
    b.userName = userName;
    b.sampler = sampler;
    b.stop = stop;
    b.heads = new ArrayList<>(heads);
    b.policy = policy;
    b.contextBudget = explicitBudget;
    b.seed = seed;
    b.deadline = deadline;
    b.steering = steering;
    b.capping = capping;
    b.capRetriesOnly = capRetriesOnly;
    b.keepActivations = keepActivations;
    b.extraTaps.addAll(extraTaps);
    return b;
  }

  /** The profile the settings not given to the builder came from. */
  public ModelProfile profile() {
    return profile;
  }

  /** The user's name in prompts. */
  public String userName() {
    return userName;
  }

  /**
   * The persona's greetings (a card's {@code first_mes} and alternates) with {@code {{char}}} and
   * {@code {{user}}} resolved for this generator's user, ready to show or to open a conversation with
   * ({@link Conversation#withCharacter}).
   */
  public List<String> greetings() {
    return persona.greetings().stream().map(g -> persona.resolvePlaceholders(g, userName, null).strip()).toList();
  }

  public Persona persona() {
    return persona;
  }

  public SelectionPolicy policy() {
    return policy;
  }

  public List<Head> heads() {
    return heads;
  }

  public StopConditions stopConditions() {
    return stop;
  }

  /** Whether this generator caps activations along a persona direction (see {@link Builder#cap}). */
  public boolean capping() {
    return capping != null;
  }

  public SamplerSettings samplerSettings() {
    return sampler;
  }

  /** The character's reply to the conversation, whose last turn is normally the user's. */
  public Reply reply(Conversation conversation) {
    return reply(conversation, ReplyOptions.defaults());
  }

  /**
   * The character's reply under per-call options. The deadline and cancellation also bound prompt
   * assembly: a chat template still rendering when either fires stops with a {@link
   * dev.persona4j.tokenizers.TemplateException} ({@code limitReached()}), as does one past the
   * rendering limits of {@link ChatTemplate}.
   */
  public Reply reply(Conversation conversation, ReplyOptions options) {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(options, "options");
    long start = System.nanoTime();
    Duration allowed = options.deadline().orElse(deadline);
    long deadlineNanos = allowed == null ? Long.MAX_VALUE : start + allowed.toNanos();
    long baseSeed = options.seed().isPresent() ? options.seed().getAsLong()
        : seed != null ? seed : new SplittableRandom().nextLong();
    BooleanSupplier cancelled = options.cancelled();
    SamplerSettings replySampler = options.sampler().orElse(sampler);
    SelectionPolicy replyPolicy = options.candidates().isPresent()
        ? withCandidates(policy, options.candidates().getAsInt()) : policy;
    int maxNewTokens = options.maxNewTokens().orElse(stop.maxNewTokens());

    // A hostile template (from the model) could render for long: it stops at the reply's deadline or cancellation.
    BooleanSupplier stopAssembly = () -> cancelled.getAsBoolean() || System.nanoTime() >= deadlineNanos;
    Prompt prompt = ChatTemplate.stoppingWhen(stopAssembly,
        () -> assembler.assemble(persona, conversation, userName, contextBudget(maxNewTokens)));
    StopConditions replyStop = StopConditions.builder().stopTokenIds(stop.stopTokenIds())
        .stopStrings(options.stopStrings().orElse(stop.stopStrings())).stopStrings(prompt.stopStrings())
        .maxNewTokens(maxNewTokens).build();
    long assembled = System.nanoTime();

    SelectionRun run = replyPolicy.newRun();
    boolean streamsLive = replyPolicy.candidatesPerRound() == 1 && replyPolicy.maxRounds() == 1;
    ReplyListener listener = options.listener();
    ReplyListener candidateListener = streamsLive ? new ReplyListener() {
      @Override
      public void onCandidateText(int candidate, String text) {
        listener.onCandidateText(candidate, text);
        listener.onReplyText(text);
      }
    } : listener;

    int decoded = 0;
    Map<Integer, CandidateActivations> kept = new HashMap<>();
    long prefillNanos;
    long decodeNanos = 0;
    long scoringNanos = 0;
    int steps = 0;
    Selection selection;
    try (DecodingState state = model.newState()) {
      if (steering != null) {
        state.steer(steering.tap(), steering.direction(), steering.coefficient());
      }
      long prefillStart = System.nanoTime();
      int[] ids = prompt.ids();
      // With a cap, the prompt (the persona's own definition) is read as is but for its last position,
      // which predicts the reply's first token and is capped like the reply's: in a model that drifts,
      // the first token often decides the voice.
      boolean capLast = capping != null && ids.length > 1;
      Forward forward = state.prefill(List.of(capLast ? Arrays.copyOf(ids, ids.length - 1) : ids),
          ForwardRequest.lastLogits());
      int promptSequence = forward.sequence(0);
      // With the caps on retries only, the first round reads the prompt as is and a copy of its
      // cache, all but the last position, waits for a capped retry.
      int retrySequence = capRetriesOnly && capping != null && capLast ? state.fork(promptSequence, 1)[0] : promptSequence;
      if (capping != null && !capRetriesOnly) {
        capping.apply(state);
      }
      if (capLast) {
        forward = state.step(new int[] {promptSequence}, new int[] {ids[ids.length - 1]}, ForwardRequest.lastLogits());
      }
      float[] promptLogits = forward.lastLogits(0);
      float[] retryLogits = null;
      prefillNanos = System.nanoTime() - prefillStart;
      CandidateDecoder.CapWindow capWindow = capping == null || capping.positions() == 0 ? null
          : new CandidateDecoder.CapWindow(capping.positions(), () -> capping.apply(state), () -> {
            state.clearSteering(); // lifts the caps; the steering, which holds at every position, is set again
            if (steering != null) {
              state.steer(steering.tap(), steering.direction(), steering.coefficient());
            }
          });
      CandidateDecoder decoder = new CandidateDecoder(model, replySampler, replyStop, taps, capWindow);
      CandidateDecoder uncappedDecoder = capRetriesOnly ? new CandidateDecoder(model, replySampler, replyStop, taps) : decoder;
      int round = 0;
      while (true) {
        int n = run.nextRoundSize();
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
          seeds[i] = candidateSeed(baseSeed, decoded + i);
        }
        long decodeStart = System.nanoTime();
        boolean capped = capping != null && (!capRetriesOnly || round > 0);
        List<CandidateDecoder.Decoded> candidates;
        if (capped && capRetriesOnly) {
          if (retryLogits == null) {
            capping.apply(state);
            retryLogits = capLast ? state.step(new int[] {retrySequence}, new int[] {ids[ids.length - 1]},
                ForwardRequest.lastLogits()).lastLogits(0) : promptLogits;
          }
          // round 1 on: the decoder lifts and sets the caps again around each round's opening
          candidates = decoder.decode(state, retrySequence, retryLogits, prompt.ids(), seeds, decoded, round,
              candidateListener, cancelled, deadlineNanos);
        } else {
          candidates = (capped ? decoder : uncappedDecoder).decode(state, promptSequence, promptLogits, prompt.ids(),
              seeds, decoded, round, candidateListener, cancelled, deadlineNanos);
        }
        decodeNanos += System.nanoTime() - decodeStart;
        decoded += candidates.size();
        steps += candidates.stream().mapToInt(d -> d.candidate().tokenCount()).max().orElse(0);

        long scoreStart = System.nanoTime();
        List<Candidate> scored = new ArrayList<>(n);
        for (CandidateDecoder.Decoded d : candidates) {
          scored.add(d.candidate().withScores(score(capped ? uncappedRows(d.activations()) : d.activations())));
          if (keepActivations && d.activations() != null) {
            kept.put(d.candidate().index(), d.activations());
          }
        }
        scoringNanos += System.nanoTime() - scoreStart;

        Optional<Selection> decided = run.offer(scored);
        if (decided.isPresent()) {
          selection = decided.get();
          break;
        }
        if (System.nanoTime() >= deadlineNanos || cancelled.getAsBoolean()) {
          log.debug("deadline reached or cancelled after {} round(s); giving up with the best seen", round + 1);
          selection = run.giveUp();
          break;
        }
        round++;
      }
    }
    Candidate chosen = selection.chosen().or(selection::bestSeen).orElseThrow();
    if (!streamsLive) {
      listener.onReplyText(chosen.text());
    }
    long end = System.nanoTime();
    Timings timings = new Timings(prompt.size(), assembled - start, prefillNanos, decodeNanos, scoringNanos,
        end - start, steps);
    log.debug("{}: {} candidate(s), chose #{} by {} in {} ms (scoring {} µs)", persona.name(), decoded, chosen.index(),
        selection.rule(), (end - start) / 1_000_000, scoringNanos / 1_000);
    return new Reply(prompt, chosen, selection, timings, kept);
  }

  /**
   * The reply as a stream of text, generated on {@code executor} when a subscriber subscribes (one
   * generation per subscription). With one candidate the text arrives token by token; with several,
   * the chosen candidate arrives in one piece once it is chosen. Cancelling the subscription cancels
   * the generation within one decoding step.
   */
  public Flow.Publisher<String> stream(Conversation conversation, Executor executor) {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(executor, "executor");
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      AtomicBoolean cancelled = new AtomicBoolean();
      // Delivery runs on the generating thread; submit() blocks while the subscriber's buffer is full.
      SubmissionPublisher<String> publisher = new SubmissionPublisher<>(Runnable::run, Flow.defaultBufferSize());
      publisher.subscribe(new CancellingSubscriber(subscriber, cancelled));
      executor.execute(() -> {
        try {
          reply(conversation, ReplyOptions.builder().cancelledWhen(cancelled::get).listener(new ReplyListener() {
            @Override
            public void onReplyText(String text) {
              if (!text.isEmpty() && !cancelled.get()) {
                publisher.submit(text);
              }
            }
          }).build());
          publisher.close();
        } catch (RuntimeException | Error e) {
          publisher.closeExceptionally(e);
        }
      });
    };
  }

  private Map<String, Double> score(CandidateActivations judged) {
    Map<String, Double> scores = new LinkedHashMap<>();
    for (Head head : heads) {
      // A candidate that ended before its first token has nothing to read: it scores 0.
      double s = judged == null || judged.tokens() == 0 ? 0.0 : head.score(judged);
      scores.put(head.name(), s);
    }
    return scores;
  }

  /**
   * The rows the heads judge a candidate by. The caps lift a reply's first rows toward the persona by
   * construction, which made every capped candidate look in character to the heads (capping + best-of-8
   * measured 5.3% out of character against 1.3% for best-of-8 alone); the heads read the rows after the
   * capped positions instead, and all of them when the reply has no such rows.
   */
  private CandidateActivations uncappedRows(CandidateActivations activations) {
    int capped = capping == null ? 0 : Math.max(0, capping.positions() - 1);
    if (activations == null || capped == 0 || activations.tokens() <= capped) {
      return activations;
    }
    int[] layers = activations.layers();
    float[][][] rows = new float[layers.length][][];
    for (int i = 0; i < layers.length; i++) {
      float[][] all = activations.layer(layers[i]);
      rows[i] = Arrays.copyOfRange(all, capped, all.length); // the rows themselves are shared, not copied
    }
    return CandidateActivations.wrap(layers, rows);
  }

  /** Each candidate's seed depends only on the reply's seed and its index, never on the batch. */
  static long candidateSeed(long replySeed, int candidateIndex) {
    long z = replySeed + 0x9E3779B97F4A7C15L * (candidateIndex + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Forwards to the real subscriber and turns its cancel() into a generation cancellation. */
  private static final class CancellingSubscriber implements Flow.Subscriber<String> {
    private final Flow.Subscriber<? super String> delegate;
    private final AtomicBoolean cancelled;
    private final AtomicBoolean done = new AtomicBoolean();

    CancellingSubscriber(Flow.Subscriber<? super String> delegate, AtomicBoolean cancelled) {
      this.delegate = delegate;
      this.cancelled = cancelled;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      delegate.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          subscription.request(n);
        }

        @Override
        public void cancel() {
          cancelled.set(true);
          subscription.cancel();
        }
      });
    }

    @Override
    public void onNext(String item) {
      delegate.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      if (done.compareAndSet(false, true)) {
        delegate.onError(throwable);
      }
    }

    @Override
    public void onComplete() {
      if (done.compareAndSet(false, true)) {
        delegate.onComplete();
      }
    }
  }

  /** Builder; see the setters for defaults. */
  public static final class Builder {
    private final LanguageModel model;
    private final Persona persona;
    private ModelProfile profile;
    private PromptAssembler assembler;
    private String userName;
    private SamplerSettings sampler;
    private StopConditions stop;
    private List<Head> heads;
    private SelectionPolicy policy;
    private int candidates;
    private int contextBudget;
    private Long seed;
    private Duration deadline;
    private Steering steering;
    private Capping capping;
    private Integer capPositions;
    private boolean capRetriesOnly;
    private boolean uncapped;
    private boolean keepActivations;
    private final Set<Integer> extraTaps = new TreeSet<>();

    private Builder(LanguageModel model, Persona persona) {
      this.model = Objects.requireNonNull(model, "model");
      this.persona = Objects.requireNonNull(persona, "persona");
    }

    /**
     * The profile the settings not given here come from, in place of the model's own (e.g.
     * {@link ModelProfile#defaults()} to ignore the model directory's {@value ModelProfile#FILE}).
     */
    public Builder profile(ModelProfile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /**
     * How the prompt is built; default: the model's chat template, else base-model framing, in the
     * profile's definition style.
     */
    public Builder assembler(PromptAssembler assembler) {
      this.assembler = Objects.requireNonNull(assembler, "assembler");
      return this;
    }

    /** The user's name in prompts and placeholders ({@code {{user}}}); default the profile's ("User"). */
    public Builder userName(String userName) {
      if (userName == null || userName.isBlank()) {
        throw new InvalidSettingException("userName", userName, "must be a non-blank name");
      }
      this.userName = userName;
      return this;
    }

    /** Token sampling; default the profile's (temperature 0.8, top-p 0.95). */
    public Builder sampler(SamplerSettings sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    /**
     * Stop strings, extra stop tokens and the new-token limit (default the profile's: 128 tokens, no
     * stop strings). The model's end-of-turn tokens (generation_config.json and tokenizer) always stop.
     */
    public Builder stop(StopConditions stop) {
      this.stop = Objects.requireNonNull(stop, "stop");
      return this;
    }

    /**
     * Adds a head whose calibrated probability is recorded for every candidate under its name. Heads
     * given here replace the profile's.
     */
    public Builder head(Head head) {
      Objects.requireNonNull(head, "head");
      if (heads == null) {
        heads = new ArrayList<>();
      }
      for (Head h : heads) {
        if (h.name().equals(head.name())) {
          throw new InvalidSettingException("head", head.name(), "is already configured: head names must be unique");
        }
      }
      heads.add(head);
      return this;
    }

    /**
     * The heads to run in place of any set before or the profile's (see {@link #head}); {@code
     * heads(List.of())} runs no heads, not even the profile's.
     */
    public Builder heads(List<? extends Head> heads) {
      Objects.requireNonNull(heads, "heads");
      this.heads = new ArrayList<>();
      heads.forEach(this::head);
      return this;
    }

    /**
     * How candidates are chosen; default one candidate without heads, else best of the profile's
     * candidates (4) by its selection head, or by the mean score.
     *
     * <p>{@link #build()} fails if the policy's scorer reads a head the generator does not run.
     */
    public Builder policy(SelectionPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Candidates per round (1 to 1024) of the policy in force, the default one or the one given. */
    public Builder candidates(int n) {
      if (n < 1 || n > 1024) {
        throw new InvalidSettingException("candidatesPerRound", n, "must be in [1, 1024]");
      }
      this.candidates = n;
      return this;
    }

    /** Tokens the prompt may use; default the model's context minus the (per-reply) new-token limit. */
    public Builder contextBudget(int tokens) {
      if (tokens < 1) {
        throw new InvalidSettingException("contextBudget", tokens, "must be >= 1");
      }
      this.contextBudget = tokens;
      return this;
    }

    /** A fixed seed: the same seed and conversation give the same reply. Default: random per reply. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Time allowed per reply; decoding stops within one step of it. Default: none. */
    public Builder deadline(Duration deadline) {
      if (deadline.isNegative() || deadline.isZero()) {
        throw new InvalidSettingException("deadline", deadline, "must be positive");
      }
      this.deadline = deadline;
      return this;
    }

    /** Adds {@code coefficient × direction} to the residual stream entering layer {@code tap}. */
    public Builder steer(int tap, float[] direction, float coefficient) {
      checkLayerAndDirection("steering", new int[] {tap}, direction);
      this.steering = new Steering(tap, direction.clone(), coefficient);
      return this;
    }

    /** Fails unless every layer is a decoder layer and the direction has the hidden size. */
    private void checkLayerAndDirection(String what, int[] layers, float[] direction) {
      for (int layer : layers) {
        if (layer < 0 || layer >= model.info().layers()) {
          throw new InvalidSettingException(what + " layer", layer,
              "must be in [0, " + (model.info().layers() - 1) + "] (the residual stream entering a decoder layer)");
        }
      }
      if (direction.length != model.info().hiddenSize()) {
        throw new InvalidSettingException(what + " direction length", direction.length,
            "must equal the model's hidden size " + model.info().hiddenSize());
      }
    }

    /** Steers along a persona vector at its layer. */
    public Builder steer(PersonaVector vector, float coefficient) {
      return steer(vector.layer(), vector.direction(), coefficient);
    }

    /**
     * Caps activations along a persona direction while decoding (after Lu et al. 2026, "the assistant
     * axis"): at each of {@code layers}, the projection of every reply token's residual stream
     * entering the layer on the unit vector along {@code direction} is clamped from below at {@code
     * threshold} (x ← x + max(0, τ − x·d)·d, after any steering), and of the prompt's last position,
     * which predicts the reply's first token; tokens already at or above τ, the rest of the prompt
     * and the other layers are untouched. Replaces any cap set before; {@link #alsoCap} adds one at
     * another layer, {@link #capPositions} limits the caps to a reply's first positions. Combines
     * with best-of-N and steering. Default: no capping, at no cost. See {@link #capThreshold} for τ.
     *
     * @param layers decoder layer indices, 0 ≤ layer &lt; layers, at least one
     * @param direction [hidden], non-zero (normalised here)
     */
    public Builder cap(int[] layers, float[] direction, float threshold) {
      if (layers.length == 0) {
        throw new InvalidSettingException("capping layers", "[]", "must name at least one decoder layer");
      }
      checkLayerAndDirection("capping", layers, direction);
      if (!Float.isFinite(threshold)) {
        throw new InvalidSettingException("capping threshold", threshold, "must be finite");
      }
      float[] unit = unit(direction, "capping direction");
      Capping caps = new Capping(List.of(), 0);
      for (int layer : layers) {
        caps = caps.with(new LayerCap(layer, unit, threshold));
      }
      this.capping = caps;
      this.uncapped = false;
      return this;
    }

    /**
     * Adds a cap at one more layer, with its own direction and threshold (as {@link #cap(int[],
     * float[], float)} does at each of its layers).
     *
     * @throws InvalidSettingException if the layer is already capped, or as {@link #cap(int[], float[], float)}
     */
    public Builder alsoCap(int layer, float[] direction, float threshold) {
      if (capping == null) {
        return cap(new int[] {layer}, direction, threshold);
      }
      checkLayerAndDirection("capping", new int[] {layer}, direction);
      if (!Float.isFinite(threshold)) {
        throw new InvalidSettingException("capping threshold", threshold, "must be finite");
      }
      this.capping = capping.with(new LayerCap(layer, unit(direction, "capping direction"), threshold));
      return this;
    }

    /**
     * Caps (set here or the profile's) hold only for the prompt's last position and the first {@code
     * positions − 1} reply tokens, which decide how a reply opens, then decoding runs free; 0 (the
     * default) caps every reply token.
     */
    public Builder capPositions(int positions) {
      if (positions < 0) {
        throw new InvalidSettingException("capping positions", positions, "must be >= 0 (0: every position)");
      }
      this.capPositions = positions;
      return this;
    }

    /**
     * The caps hold only the rounds after the first: the first round's candidates are the model's
     * own, and only when the policy rejects all of them does a retry round decode capped ones. The
     * heads judge a capped candidate less well than an uncapped one (its opening is in character
     * whatever follows), so a policy that keeps the best of the first round when it passes loses
     * nothing to capping, and capping serves the replies the model would have drifted in. Needs a
     * policy of two rounds or more to have an effect; default false (every round capped).
     */
    public Builder capRetriesOnly(boolean retriesOnly) {
      this.capRetriesOnly = retriesOnly;
      return this;
    }

    /** Caps along a persona vector's direction at {@code layers} (see {@link #cap(int[], float[], float)}). */
    public Builder cap(PersonaVector vector, float threshold, int... layers) {
      return cap(layers, vector.direction(), threshold);
    }

    /**
     * No activation capping: neither a cap set before nor the profile's. By default a generator
     * whose heads come from its profile caps the persona when the profile says {@code "capping":
     * true} and has a cap for the persona's name (calibrated heads carry one per persona); a
     * generator given its own heads caps only as {@link #cap} says.
     */
    public Builder uncapped() {
      this.capping = null;
      this.uncapped = true;
      return this;
    }

    /** Keep each candidate's captured activations in the reply (for training data); default false. */
    public Builder keepActivations(boolean keep) {
      this.keepActivations = keep;
      return this;
    }

    /**
     * Keeps each candidate's activations in the reply, captured at these hidden-state indices as well
     * as the heads' layers: training data for heads that do not exist yet, read in the decoding pass.
     */
    public Builder keepActivations(int... layers) {
      for (int layer : layers) {
        if (layer < 0 || layer > model.info().layers()) {
          throw new InvalidSettingException("activation layer", layer,
              "must be a hidden-state index in [0, " + model.info().layers() + "] of " + model.info().architecture());
        }
        extraTaps.add(layer);
      }
      this.keepActivations = true;
      return this;
    }

    /**
     * The generator.
     *
     * @throws dev.persona4j.core.heads.HeadFileException when a head file of the profile cannot be
     *     loaded for the model (the message names the file)
     * @throws InvalidSettingException when the policy's scorer names a head the generator does not run
     */
    public PersonaGenerator build() {
      return new PersonaGenerator(this);
    }
  }
}
