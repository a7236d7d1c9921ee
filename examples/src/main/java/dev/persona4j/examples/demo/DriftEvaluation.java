package dev.persona4j.examples.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.core.generate.PersonaGenerator;
import dev.persona4j.core.generate.Reply;
import dev.persona4j.core.generate.ReplyOptions;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.samplers.rejection.CandidateScorer;
import dev.persona4j.samplers.rejection.SelectionPolicy;
import java.io.PrintStream;
import java.util.ArrayList;
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
 * <p>The arms are plain sampling and (unless turned off) best-of-N; further arms (e.g. activation
 * capping, alone and with best-of-N) belong beside them in {@link #run}, as another generator per
 * persona answering the same messages with the same seeds.
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

  /** One message's replies and the detector's verdicts; the rejection fields are null without that arm. */
  public record Sample(String persona, String user, String plain, DriftLabel plainLabel, String rejection,
      DriftLabel rejectionLabel, double chosenScore) {}

  /** One persona's rates; {@code rejection} is null without the best-of-N arm. */
  public record PersonaResult(String persona, Rate plain, Rate rejection) {}

  /**
   * The evaluation's figures; {@code rejection} and {@code rejectionText} are null without the
   * best-of-N arm. {@code heads} names the heads the best-of-N generator ran (empty without it).
   */
  public record Result(int n, int candidates, String head, List<String> heads, long seed,
      Map<String, PersonaResult> personas, Rate plain, Rate rejection, TextStats plainText, TextStats rejectionText,
      List<Sample> samples, double seconds, double headScoringShare) {

    public boolean hasRejection() {
      return rejection != null;
    }

    /**
     * How many times fewer out-of-character replies rejection sampling gives (infinite when it gives
     * none, NaN without the arm).
     */
    public double reduction() {
      if (rejection == null) {
        return Double.NaN;
      }
      return rejection.rate() == 0 ? (plain.rate() == 0 ? 1 : Double.POSITIVE_INFINITY) : plain.rate() / rejection.rate();
    }

    /** The best-of-N arm's name, e.g. {@code best-of-8 by in_character}. */
    public String rejectionArm() {
      return String.format(Locale.ROOT, "best-of-%d by %s", candidates, head);
    }

    /**
     * Two markdown tables: out-of-character rates per persona and overall, then per arm the rate,
     * mean reply length and distinct-2.
     */
    public String table() {
      StringBuilder t = new StringBuilder();
      if (hasRejection()) {
        t.append(String.format(Locale.ROOT, "| persona | replies | plain sampling | %s | reduction |%n", rejectionArm()));
        t.append("| --- | ---: | ---: | ---: | ---: |\n");
      } else {
        t.append("| persona | replies | plain sampling |\n| --- | ---: | ---: |\n");
      }
      for (PersonaResult p : personas.values()) {
        t.append(row(p.persona(), p.plain(), p.rejection()));
      }
      t.append(row("**overall**", plain, rejection));
      t.append("\n| arm | out-of-character | mean words | distinct-2 |\n| --- | ---: | ---: | ---: |\n");
      t.append(armRow("plain sampling", plain, plainText));
      if (hasRejection()) {
        t.append(armRow(rejectionArm(), rejection, rejectionText));
      }
      return t.toString();
    }

    private static String row(String name, Rate plain, Rate rejection) {
      String row = String.format(Locale.ROOT, "| %s | %d | %s |", name, plain.replies(), cell(plain));
      if (rejection == null) {
        return row + "\n";
      }
      double r = rejection.rate() == 0 ? Double.POSITIVE_INFINITY : plain.rate() / rejection.rate();
      return row + String.format(Locale.ROOT, " %s | %s |%n", cell(rejection),
          Double.isInfinite(r) ? (plain.outOfCharacter() == 0 ? "–" : "∞") : String.format(Locale.ROOT, "%.1f×", r));
    }

    private static String cell(Rate rate) {
      return String.format(Locale.ROOT, "%.1f%% (%d)", 100 * rate.rate(), rate.outOfCharacter());
    }

    private static String armRow(String arm, Rate rate, TextStats text) {
      return String.format(Locale.ROOT, "| %s | %s | %.1f | %.3f |%n", arm, cell(rate), text.meanWords(),
          text.distinct2());
    }

    private static void putArm(ObjectNode arms, String key, String name, Rate rate, TextStats text) {
      ObjectNode arm = arms.putObject(key);
      arm.put("name", name);
      arm.put("rate", rate.rate());
      arm.put("replies", rate.replies());
      arm.put("outOfCharacter", rate.outOfCharacter());
      arm.put("meanWords", text.meanWords());
      arm.put("distinct2", text.distinct2());
    }

    /**
     * {@code {"overall": {"plain": r, "rejection": r}, "arms": {"plain": {rate, meanWords, distinct2,
     * ...}, "rejection": {...}}, "personas": {name: {...}}, ...}}; the rejection entries only with that arm.
     */
    public String json() {
      ObjectNode root = Json.mapper().createObjectNode();
      ObjectNode overall = root.putObject("overall");
      overall.put("plain", plain.rate());
      overall.put("replies", plain.replies());
      overall.put("plainOutOfCharacter", plain.outOfCharacter());
      if (hasRejection()) {
        overall.put("rejection", rejection.rate());
        overall.put("rejectionOutOfCharacter", rejection.outOfCharacter());
      }
      ObjectNode arms = root.putObject("arms");
      putArm(arms, "plain", "plain sampling", plain, plainText);
      if (hasRejection()) {
        putArm(arms, "rejection", rejectionArm(), rejection, rejectionText);
      }
      ObjectNode byPersona = root.putObject("personas");
      for (PersonaResult p : personas.values()) {
        ObjectNode node = byPersona.putObject(p.persona());
        node.put("plain", p.plain().rate());
        if (p.rejection() != null) {
          node.put("rejection", p.rejection().rate());
        }
        node.put("replies", p.plain().replies());
      }
      root.put("n", n);
      root.put("candidates", candidates);
      if (hasRejection()) {
        root.put("head", head);
        heads.forEach(root.withArray("heads")::add);
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

  /**
   * Runs the evaluation.
   *
   * @param personas persona id (its voice: captain, detective, gardener, naturalist) to persona
   * @param generators a generator builder for a persona (given its id and the persona), carrying the
   *     model, assembler, sampler settings, stop conditions, heads and a policy whose scorer is what
   *     best-of-N ranks by; this class sets the number of candidates (1 for plain sampling)
   * @param candidates candidates of the best-of-N arm; 0 runs the plain arm only (no head needed)
   */
  public static Result run(Map<String, Persona> personas,
      BiFunction<String, Persona, PersonaGenerator.Builder> generators, int n, int candidates, long seed,
      PrintStream progress) {
    boolean rejectionArm = candidates > 0;
    long start = System.nanoTime();
    DriftDetector detector = DriftDetector.standard();
    Voices voices = Voices.standard();
    Topic[] topics = Topic.values();
    Map<String, PersonaResult> results = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    Rate plainAll = new Rate(0, 0);
    Rate rejectionAll = new Rate(0, 0);
    List<String> plainTexts = new ArrayList<>();
    List<String> rejectionTexts = new ArrayList<>();
    String head = "";
    List<String> heads = List.of();
    int done = 0;
    long scoringNanos = 0;
    long rejectionNanos = 0;
    int total = personas.size() * n;
    for (Map.Entry<String, Persona> entry : personas.entrySet()) {
      String voice = entry.getKey();
      Persona persona = entry.getValue();
      // Built once (its heads load once); both arms derive from it.
      PersonaGenerator base = generators.apply(voice, persona).build();
      // Plain sampling runs no heads: one candidate has nothing to be ranked against.
      PersonaGenerator plain = base.toBuilder().heads(List.of())
          .policy(SelectionPolicy.builder().candidatesPerRound(1).build()).build();
      PersonaGenerator rejection = null;
      if (rejectionArm) {
        CandidateScorer ranking = base.policy().scorer();
        // One description for the table: a head named after the persona reads as speaker-{persona}.
        head = ranking.describe().replace(voice, "{persona}");
        rejection = base.toBuilder()
            .policy(SelectionPolicy.builder().candidatesPerRound(candidates).scorer(ranking).build()).build();
        heads = rejection.heads().stream().map(h -> h.name()).toList();
      }
      SplittableRandom rng = new SplittableRandom(seed ^ voice.hashCode());
      Rate p = new Rate(0, 0);
      Rate r = new Rate(0, 0);
      for (int i = 0; i < n; i++) {
        Topic topic = topics[rng.nextInt(topics.length)];
        List<PhraseTemplate> turns = voices.userTurns(topic);
        String user = turns.get(rng.nextInt(turns.size())).expand(rng,
            Map.of("nick", persona.charName(), "name", persona.name(), "place", "", "companion", ""));
        long replySeed = rng.nextLong();
        Conversation conversation = Conversation.empty().withUser(user);
        Reply plainReply = plain.reply(conversation, ReplyOptions.builder().seed(replySeed).build());
        DriftVerdict plainVerdict = detector.judge(voice, plainReply.text());
        p = p.plus(new Rate(1, plainVerdict.isInCharacter() ? 0 : 1));
        plainTexts.add(plainReply.text());
        String chosenText = null;
        DriftLabel chosenLabel = null;
        double chosenScore = Double.NaN;
        if (rejection != null) {
          Reply chosen = rejection.reply(conversation, ReplyOptions.builder().seed(replySeed).build());
          scoringNanos += chosen.timings().scoringNanos();
          rejectionNanos += chosen.timings().totalNanos();
          DriftVerdict chosenVerdict = detector.judge(voice, chosen.text());
          r = r.plus(new Rate(1, chosenVerdict.isInCharacter() ? 0 : 1));
          rejectionTexts.add(chosen.text());
          chosenText = chosen.text().strip();
          chosenLabel = chosenVerdict.label();
          chosenScore = chosen.selection().chosen().map(report -> report.score()).orElse(Double.NaN);
        }
        samples.add(new Sample(voice, user, plainReply.text().strip(), plainVerdict.label(), chosenText, chosenLabel,
            chosenScore));
        done++;
        if (progress != null) {
          progress.printf(Locale.ROOT, "\rdrift-eval %-10s %4d/%d  plain %5.1f%%", voice, done, total, 100 * p.rate());
          if (rejection != null) {
            progress.printf(Locale.ROOT, "  best-of-%d %5.1f%%", candidates, 100 * r.rate());
          }
          progress.flush();
        }
      }
      results.put(voice, new PersonaResult(voice, p, rejectionArm ? r : null));
      plainAll = plainAll.plus(p);
      rejectionAll = rejectionAll.plus(r);
    }
    if (progress != null) {
      progress.println();
    }
    return new Result(n, candidates, head, heads, seed, results, plainAll, rejectionArm ? rejectionAll : null,
        TextStats.of(plainTexts), rejectionArm ? TextStats.of(rejectionTexts) : null, samples,
        (System.nanoTime() - start) / 1e9, rejectionNanos == 0 ? 0 : (double) scoringNanos / rejectionNanos);
  }
}
