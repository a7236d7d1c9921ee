package dev.persona4j.examples.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.generate.ModelProfile;
import dev.persona4j.core.heads.Head;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.samplers.rejection.CandidateScorer;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.CandidateFilter;
import dev.persona4j.samplers.rejection.FilterVerdict;
import dev.persona4j.samplers.rejection.SelectionPolicy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import dev.persona4j.internal.Json;

/**
 * The demo's measured claim: characters drift, and best-of-N by an in-character head reading
 * middle-layer activations catches the drift.
 *
 * <p>For each persona, {@code n} user messages drawn from the corpus's topics; each answered twice
 * with the same sampler settings and the same seed: once plainly (one candidate, no head) and once as
 * the best of {@code candidates} by the in-character head. Whether a reply is out of character is
 * judged by the {@link DriftDetector}, which reads only the text (the generator's generic-assistant
 * and other-persona marker phrases), never the activations the head reads. Each arm also reports
 * its replies' mean length in words and distinct-2, so that a lower rate cannot hide degenerate text.
 *
 * <p>The arms ({@link Arm}) are plain sampling, best-of-N, activation capping along the persona's
 * vector, and capping with best-of-N: each a generator per persona, derived from one base generator,
 * answering the same messages with the same seeds.
 */
public final class DriftEvaluation {
  private DriftEvaluation() {}

  /** Out-of-character replies among all replies judged. */
  public record Rate(int replies, int outOfCharacter) {
    public double rate() {
      return replies == 0 ? 0 : (double) outOfCharacter / replies;
    }

    Rate plus(Rate other) {
      return new Rate(replies + other.replies, outOfCharacter + other.outOfCharacter);
    }
  }

  /**
   * What an arm's replies look like as text: mean length in words, and distinct-2 (distinct word
   * bigrams over all bigrams, each reply's bigrams counted within the reply).
   */
  public record TextStats(double meanWords, double distinct2) {
    static TextStats of(List<String> replies) {
      long words = 0;
      long bigrams = 0;
      Set<String> distinct = new HashSet<>();
      for (String reply : replies) {
        String[] w = reply.strip().toLowerCase(Locale.ROOT).split("\\s+");
        int n = w.length == 1 && w[0].isEmpty() ? 0 : w.length;
        words += n;
        for (int i = 1; i < n; i++) {
          bigrams++;
          distinct.add(w[i - 1] + ' ' + w[i]);
        }
      }
      return new TextStats(replies.isEmpty() ? 0 : (double) words / replies.size(),
          bigrams == 0 ? 0 : (double) distinct.size() / bigrams);
    }
  }

  /** An arm of the evaluation: how its generator is derived from the persona's base generator. */
  public enum Arm {
    /** One candidate, no heads, no capping. */
    PLAIN("plain"),
    /** Best of N by the base generator's ranking head, no capping. */
    BEST_OF_N("rejection"),
    /** One candidate under the base generator's activation cap. */
    CAPPING("capping"),
    /** Best of N under the cap. */
    CAPPING_BEST_OF_N("capping_rejection");

    private final String key;

    Arm(String key) {
      this.key = key;
    }

    /** The arm's key in the JSON ({@code plain}, {@code rejection}, {@code capping}, {@code capping_rejection}). */
    public String key() {
      return key;
    }

    boolean capped() {
      return this == CAPPING || this == CAPPING_BEST_OF_N;
    }

    boolean bestOfN() {
      return this == BEST_OF_N || this == CAPPING_BEST_OF_N;
    }
  }

  /** One message's replies and the detector's verdicts, by arm. */
  public record Sample(String persona, String user, Map<Arm, String> replies, Map<Arm, DriftLabel> labels,
      Map<Arm, Double> chosenScores) {}

  /** One persona's rates by arm. */
  public record PersonaResult(String persona, Map<Arm, Rate> rates) {
    public Rate plain() {
      return rates.get(Arm.PLAIN);
    }

    /** The best-of-N arm's rate, or null without it. */
    public Rate rejection() {
      return rates.get(Arm.BEST_OF_N);
    }
  }

  /**
   * The evaluation's figures by arm. {@code head} describes the ranking of the best-of-N arms and
   * {@code heads} names the heads they ran (empty without them); {@code caps} describes the capping
   * arms' cap by persona (empty without them).
   */
  public record Result(int n, int candidates, String head, List<String> heads, Map<String, String> caps, long seed,
      List<Arm> arms, Map<String, PersonaResult> personas, Map<Arm, Rate> rates, Map<Arm, TextStats> text,
      List<Sample> samples, double seconds, double headScoringShare, Map<Arm, Integer> retried) {

    public boolean hasRejection() {
      return rates.containsKey(Arm.BEST_OF_N);
    }

    public Rate plain() {
      return rates.get(Arm.PLAIN);
    }

    /** The best-of-N arm's overall rate, or null without it. */
    public Rate rejection() {
      return rates.get(Arm.BEST_OF_N);
    }

    /** The best-of-N arm's fold reduction against plain sampling (see {@link #reduction(Arm)}). */
    public double reduction() {
      return reduction(Arm.BEST_OF_N);
    }

    /**
     * How many times fewer out-of-character replies {@code arm} gives than plain sampling: infinite
     * when it gives none (1 when neither gives any), NaN without the arm.
     */
    public double reduction(Arm arm) {
      Rate r = rates.get(arm);
      if (r == null) {
        return Double.NaN;
      }
      return fold(plain(), r);
    }

    private static double fold(Rate plain, Rate arm) {
      return arm.rate() == 0 ? (plain.rate() == 0 ? 1 : Double.POSITIVE_INFINITY) : plain.rate() / arm.rate();
    }

    /** The best-of-N arm's name, e.g. {@code best-of-8 by in_character}. */
    public String rejectionArm() {
      return name(Arm.BEST_OF_N);
    }

    /** An arm's name in the tables. */
    public String name(Arm arm) {
      return switch (arm) {
        case PLAIN -> "plain sampling";
        case BEST_OF_N -> String.format(Locale.ROOT, "best-of-%d by %s", candidates, head);
        case CAPPING -> "capping";
        case CAPPING_BEST_OF_N -> String.format(Locale.ROOT, "capping + best-of-%d", candidates);
      };
    }

    /**
     * Two markdown tables: out-of-character rates per persona and overall by arm, with each arm's
     * reduction against plain sampling; then per arm the rate, reduction, mean reply length and
     * distinct-2 (each also relative to plain sampling's).
     */
    public String table() {
      StringBuilder t = new StringBuilder("| persona | replies |");
      StringBuilder rule = new StringBuilder("| --- | ---: |");
      for (Arm arm : arms) {
        t.append(' ').append(name(arm)).append(" |");
        rule.append(" ---: |");
        if (arm != Arm.PLAIN) {
          t.append(" reduction |");
          rule.append(" ---: |");
        }
      }
      t.append('\n').append(rule).append('\n');
      for (PersonaResult p : personas.values()) {
        t.append(row(p.persona(), p.rates()));
      }
      t.append(row("**overall**", rates));
      t.append("\n| arm | out-of-character | reduction | mean words | distinct-2 |\n| --- | ---: | ---: | ---: | ---: |\n");
      TextStats plainText = text.get(Arm.PLAIN);
      for (Arm arm : arms) {
        TextStats s = text.get(arm);
        t.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f%s | %.3f%s |%n", name(arm), cell(rates.get(arm)),
            arm == Arm.PLAIN ? "–" : foldCell(plain(), rates.get(arm)), s.meanWords(),
            relative(s.meanWords(), plainText.meanWords(), arm), s.distinct2(),
            relative(s.distinct2(), plainText.distinct2(), arm)));
      }
      return t.toString();
    }

    private static String relative(double value, double plain, Arm arm) {
      return arm == Arm.PLAIN || plain == 0 ? "" : String.format(Locale.ROOT, " (%+.0f%%)", 100 * (value / plain - 1));
    }

    private String row(String name, Map<Arm, Rate> byArm) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |", name, byArm.get(Arm.PLAIN).replies()));
      for (Arm arm : arms) {
        row.append(' ').append(cell(byArm.get(arm))).append(" |");
        if (arm != Arm.PLAIN) {
          row.append(' ').append(foldCell(byArm.get(Arm.PLAIN), byArm.get(arm))).append(" |");
        }
      }
      return row.append('\n').toString();
    }

    private static String foldCell(Rate plain, Rate arm) {
      double r = fold(plain, arm);
      return Double.isInfinite(r) ? "∞" : plain.outOfCharacter() == 0 && arm.outOfCharacter() == 0 ? "–"
          : String.format(Locale.ROOT, "%.1f×", r);
    }

    private static String cell(Rate rate) {
      return String.format(Locale.ROOT, "%.1f%% (%d)", 100 * rate.rate(), rate.outOfCharacter());
    }

    /**
     * {@code {"overall": {"plain": r, "rejection": r, ...}, "arms": {"plain": {name, rate, reduction,
     * meanWords, distinct2, ...}, ...}, "personas": {name: {"plain": r, ...}}, ...}}, with an entry
     * for each arm that ran.
     */
    public String json() {
      ObjectNode root = Json.mapper().createObjectNode();
      ObjectNode overall = root.putObject("overall");
      overall.put("replies", plain().replies());
      for (Arm arm : arms) {
        overall.put(arm.key(), rates.get(arm).rate());
        overall.put(arm.key() + "OutOfCharacter", rates.get(arm).outOfCharacter());
      }
      ObjectNode armsNode = root.putObject("arms");
      for (Arm arm : arms) {
        ObjectNode a = armsNode.putObject(arm.key());
        Rate rate = rates.get(arm);
        a.put("name", name(arm));
        a.put("rate", rate.rate());
        a.put("replies", rate.replies());
        a.put("outOfCharacter", rate.outOfCharacter());
        double fold = reduction(arm);
        if (Double.isFinite(fold)) {
          a.put("reduction", fold);
        } else {
          a.putNull("reduction");
        }
        a.put("meanWords", text.get(arm).meanWords());
        a.put("distinct2", text.get(arm).distinct2());
        if (arm == Arm.CAPPING_BEST_OF_N) {
          a.put("cappedRetries", retried.getOrDefault(arm, 0)); // replies whose first round had no candidate passing
        }
      }
      ObjectNode byPersona = root.putObject("personas");
      for (PersonaResult p : personas.values()) {
        ObjectNode node = byPersona.putObject(p.persona());
        arms.forEach(arm -> node.put(arm.key(), p.rates().get(arm).rate()));
        node.put("replies", p.plain().replies());
      }
      root.put("n", n);
      root.put("candidates", candidates);
      if (!heads.isEmpty()) {
        root.put("head", head);
        heads.forEach(root.withArray("heads")::add);
      }
      if (!caps.isEmpty()) {
        ObjectNode c = root.putObject("caps");
        caps.forEach(c::put);
      }
      root.put("seed", seed);
      root.put("seconds", seconds);
      root.put("headScoringShare", headScoringShare);
      root.put("detector", "DriftDetector: generic-assistant and other-persona marker phrases, on text only");
      try {
        return Json.pretty().writeValueAsString(root);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Passes a candidate whose score by head {@code head} is at least {@code threshold}. */
  static CandidateFilter scoreAtLeast(String head, double threshold) {
    return new CandidateFilter() {
      @Override
      public String name() {
        return String.format(java.util.Locale.ROOT, "%s >= %.3f", head, threshold);
      }

      @Override
      public FilterVerdict check(Candidate candidate) {
        double score = candidate.scores().getOrDefault(head, 0.0);
        return score >= threshold ? FilterVerdict.pass(name())
            : FilterVerdict.reject(name(), String.format(java.util.Locale.ROOT, "scored %.3f", score));
      }
    };
  }

  /** Plain sampling and best-of-{@code candidates} (plain only when {@code candidates} is 0). */
  public static Result run(Map<String, Persona> personas,
      BiFunction<String, Persona, PersonaGenerator.Builder> generators, int n, int candidates, long seed,
      PrintStream progress) {
    return run(personas, generators, candidates > 0 ? EnumSet.of(Arm.PLAIN, Arm.BEST_OF_N) : EnumSet.of(Arm.PLAIN),
        n, Math.max(candidates, 1), seed, progress);
  }

  /**
   * Runs the evaluation.
   *
   * @param personas persona id (its voice: captain, detective, gardener, naturalist) to persona
   * @param generators the base generator builder for a persona (given its id and the persona),
   *     carrying the model, assembler, sampler settings, stop conditions, heads, a policy whose scorer
   *     is what best-of-N ranks by and, for the capping arms, the persona's activation cap; each arm
   *     derives its generator from it (candidates, heads, capping)
   * @param arms the arms to run; plain sampling always runs, as the baseline
   * @param candidates candidates of the best-of-N arms
   * @throws IllegalArgumentException when a capping arm is asked for and a persona's base generator
   *     has no cap
   */
  public static Result run(Map<String, Persona> personas,
      BiFunction<String, Persona, PersonaGenerator.Builder> generators, Set<Arm> arms, int n, int candidates,
      long seed, PrintStream progress) {
    EnumSet<Arm> ran = EnumSet.of(Arm.PLAIN);
    ran.addAll(arms);
    List<Arm> order = List.copyOf(ran);
    long start = System.nanoTime();
    DriftDetector detector = DriftDetector.standard();
    Voices voices = Voices.standard();
    Topic[] topics = Topic.values();
    Map<String, PersonaResult> results = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    Map<Arm, Rate> overall = new EnumMap<>(Arm.class);
    Map<Arm, List<String>> texts = new EnumMap<>(Arm.class);
    Map<Arm, Integer> retried = new EnumMap<>(Arm.class);
    order.forEach(arm -> {
      overall.put(arm, new Rate(0, 0));
      texts.put(arm, new ArrayList<>());
    });
    String head = "";
    List<String> heads = List.of();
    Map<String, String> caps = new LinkedHashMap<>();
    int done = 0;
    long scoringNanos = 0;
    long rejectionNanos = 0;
    int total = personas.size() * n;
    for (Map.Entry<String, Persona> entry : personas.entrySet()) {
      String voice = entry.getKey();
      Persona persona = entry.getValue();
      // Built once (its heads load once); every arm derives from it.
      PersonaGenerator base = generators.apply(voice, persona).build();
      if (order.stream().anyMatch(Arm::capped) && !base.capping()) {
        throw new IllegalArgumentException("persona '" + persona.name() + "' has no activation cap to evaluate");
      }
      Map<Arm, PersonaGenerator> generatorOf = new EnumMap<>(Arm.class);
      for (Arm arm : order) {
        PersonaGenerator.Builder b = base.toBuilder();
        if (!arm.capped()) {
          b.uncapped();
        }
        if (arm.bestOfN()) {
          CandidateScorer ranking = base.policy().scorer();
          // One description for the table: a head named after the persona reads as speaker-{persona}.
          head = ranking.describe().replace(voice, "{persona}");
          if (arm == Arm.CAPPING_BEST_OF_N) {
            // Capping serves the retry: best-of-N as the other arm, and when no candidate reaches the
            // selection head's decision threshold, one more round of capped candidates.
            String judge = base.profile().selectionHead().orElse(null);
            double threshold = base.heads().stream().filter(h -> h.name().equals(judge)).findFirst()
                .map(Head::threshold).orElse(0.5);
            b.capRetriesOnly(true).policy(SelectionPolicy.builder().candidatesPerRound(candidates).bestOfN(2)
                .scorer(ranking).filter(scoreAtLeast(judge, threshold)).build());
          } else {
            b.policy(SelectionPolicy.builder().candidatesPerRound(candidates).scorer(ranking).build());
          }
        } else {
          b.policy(SelectionPolicy.builder().candidatesPerRound(1).build());
          if (arm == Arm.PLAIN) {
            // Plain sampling runs no heads: one candidate has nothing to be ranked against.
            b.heads(List.of());
          }
        }
        PersonaGenerator g = b.build();
        generatorOf.put(arm, g);
        if (arm.bestOfN()) {
          heads = g.heads().stream().map(h -> h.name()).toList();
        }
      }
      if (order.stream().anyMatch(Arm::capped)) {
        List<ModelProfile.Cap> personaCaps = base.profile().caps(persona.name());
        if (!personaCaps.isEmpty()) {
          caps.put(voice, personaCaps.size() == 1 ? personaCaps.get(0).toString() : personaCaps.toString());
        }
      }
      SplittableRandom rng = new SplittableRandom(seed ^ voice.hashCode());
      Map<Arm, Rate> rates = new EnumMap<>(Arm.class);
      order.forEach(arm -> rates.put(arm, new Rate(0, 0)));
      for (int i = 0; i < n; i++) {
        Topic topic = topics[rng.nextInt(topics.length)];
        List<PhraseTemplate> turns = voices.userTurns(topic);
        String user = turns.get(rng.nextInt(turns.size())).expand(rng,
            Map.of("nick", persona.charName(), "name", persona.name(), "place", "", "companion", ""));
        long replySeed = rng.nextLong();
        Conversation conversation = Conversation.empty().withUser(user);
        Map<Arm, String> replies = new EnumMap<>(Arm.class);
        Map<Arm, DriftLabel> labels = new EnumMap<>(Arm.class);
        Map<Arm, Double> scores = new EnumMap<>(Arm.class);
        for (Arm arm : order) {
          Reply reply = generatorOf.get(arm).reply(conversation, ReplyOptions.builder().seed(replySeed).build());
          if (reply.selection().rounds() > 1) {
            retried.merge(arm, 1, Integer::sum);
          }
          if (arm == Arm.BEST_OF_N) {
            scoringNanos += reply.timings().scoringNanos();
            rejectionNanos += reply.timings().totalNanos();
          }
          DriftVerdict verdict = detector.judge(voice, reply.text());
          rates.put(arm, rates.get(arm).plus(new Rate(1, verdict.isInCharacter() ? 0 : 1)));
          texts.get(arm).add(reply.text());
          replies.put(arm, reply.text().strip());
          labels.put(arm, verdict.label());
          if (arm.bestOfN()) {
            scores.put(arm, reply.selection().chosen().map(report -> report.score()).orElse(Double.NaN));
          }
        }
        samples.add(new Sample(voice, user, replies, labels, scores));
        done++;
        if (progress != null) {
          progress.printf(Locale.ROOT, "\rdrift-eval %-10s %4d/%d ", voice, done, total);
          for (Arm arm : order) {
            progress.printf(Locale.ROOT, " %s %5.1f%%", arm.key(), 100 * rates.get(arm).rate());
          }
          progress.flush();
        }
      }
      results.put(voice, new PersonaResult(voice, Collections.unmodifiableMap(rates)));
      order.forEach(arm -> overall.put(arm, overall.get(arm).plus(rates.get(arm))));
    }
    if (progress != null) {
      progress.println();
    }
    Map<Arm, TextStats> text = new EnumMap<>(Arm.class);
    order.forEach(arm -> text.put(arm, TextStats.of(texts.get(arm))));
    return new Result(n, candidates, head, heads, caps, seed, order, results, Collections.unmodifiableMap(overall),
        Collections.unmodifiableMap(text), samples, (System.nanoTime() - start) / 1e9,
        rejectionNanos == 0 ? 0 : (double) scoringNanos / rejectionNanos, Collections.unmodifiableMap(retried));
  }
}
