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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * and other-persona marker phrases), never the activations the head reads.
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

  /** One message's two replies and the detector's verdicts. */
  public record Sample(String persona, String user, String plain, DriftLabel plainLabel, String rejection,
      DriftLabel rejectionLabel, double chosenScore) {}

  public record PersonaResult(String persona, Rate plain, Rate rejection) {}

  public record Result(int n, int candidates, String head, long seed, Map<String, PersonaResult> personas, Rate plain,
      Rate rejection, List<Sample> samples, double seconds, double headScoringShare) {

    /** How many times fewer out-of-character replies rejection sampling gives (infinite when it gives none). */
    public double reduction() {
      return rejection.rate() == 0 ? (plain.rate() == 0 ? 1 : Double.POSITIVE_INFINITY) : plain.rate() / rejection.rate();
    }

    /** A markdown table: per persona and overall. */
    public String table() {
      StringBuilder t = new StringBuilder();
      t.append(String.format(Locale.ROOT, "| persona | replies | plain sampling | best-of-%d by %s | reduction |%n", candidates,
          head));
      t.append("| --- | ---: | ---: | ---: | ---: |\n");
      for (PersonaResult p : personas.values()) {
        t.append(row(p.persona(), p.plain(), p.rejection()));
      }
      t.append(row("**overall**", plain, rejection));
      return t.toString();
    }

    private static String row(String name, Rate plain, Rate rejection) {
      double r = rejection.rate() == 0 ? Double.POSITIVE_INFINITY : plain.rate() / rejection.rate();
      return String.format(Locale.ROOT, "| %s | %d | %.1f%% (%d) | %.1f%% (%d) | %s |%n", name, plain.replies(),
          100 * plain.rate(), plain.outOfCharacter(), 100 * rejection.rate(), rejection.outOfCharacter(),
          Double.isInfinite(r) ? (plain.outOfCharacter() == 0 ? "–" : "∞") : String.format(Locale.ROOT, "%.1f×", r));
    }

    /** {@code {"overall": {"plain": r, "rejection": r}, "personas": {name: {...}}, ...}}. */
    public String json() {
      ObjectNode root = Json.mapper().createObjectNode();
      ObjectNode overall = root.putObject("overall");
      overall.put("plain", plain.rate());
      overall.put("rejection", rejection.rate());
      overall.put("replies", plain.replies());
      overall.put("plainOutOfCharacter", plain.outOfCharacter());
      overall.put("rejectionOutOfCharacter", rejection.outOfCharacter());
      ObjectNode byPersona = root.putObject("personas");
      for (PersonaResult p : personas.values()) {
        ObjectNode node = byPersona.putObject(p.persona());
        node.put("plain", p.plain().rate());
        node.put("rejection", p.rejection().rate());
        node.put("replies", p.plain().replies());
      }
      root.put("n", n);
      root.put("candidates", candidates);
      root.put("head", head);
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
   */
  public static Result run(Map<String, Persona> personas,
      BiFunction<String, Persona, PersonaGenerator.Builder> generators, int n, int candidates, long seed,
      PrintStream progress) {
    long start = System.nanoTime();
    DriftDetector detector = DriftDetector.standard();
    Voices voices = Voices.standard();
    Topic[] topics = Topic.values();
    Map<String, PersonaResult> results = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    Rate plainAll = new Rate(0, 0);
    Rate rejectionAll = new Rate(0, 0);
    String head = "";
    int done = 0;
    long scoringNanos = 0;
    long rejectionNanos = 0;
    int total = personas.size() * n;
    for (Map.Entry<String, Persona> entry : personas.entrySet()) {
      String voice = entry.getKey();
      Persona persona = entry.getValue();
      CandidateScorer ranking = generators.apply(voice, persona).build().policy().scorer();
      // One description for the table: a head named after the persona reads as speaker-{persona}.
      head = ranking.describe().replace(voice, "{persona}");
      PersonaGenerator plain = generators.apply(voice, persona)
          .policy(SelectionPolicy.builder().candidatesPerRound(1).build()).build();
      PersonaGenerator rejection = generators.apply(voice, persona)
          .policy(SelectionPolicy.builder().candidatesPerRound(candidates).scorer(ranking).build()).build();
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
        Reply chosen = rejection.reply(conversation, ReplyOptions.builder().seed(replySeed).build());
        scoringNanos += chosen.timings().scoringNanos();
        rejectionNanos += chosen.timings().totalNanos();
        DriftVerdict plainVerdict = detector.judge(voice, plainReply.text());
        DriftVerdict chosenVerdict = detector.judge(voice, chosen.text());
        p = p.plus(new Rate(1, plainVerdict.isInCharacter() ? 0 : 1));
        r = r.plus(new Rate(1, chosenVerdict.isInCharacter() ? 0 : 1));
        samples.add(new Sample(voice, user, plainReply.text().strip(), plainVerdict.label(), chosen.text().strip(),
            chosenVerdict.label(), chosen.selection().chosen().map(report -> report.score()).orElse(Double.NaN)));
        done++;
        if (progress != null) {
          progress.printf(Locale.ROOT, "\rdrift-eval %-10s %4d/%d  plain %5.1f%%  best-of-%d %5.1f%%", voice, done, total,
              100 * p.rate(), candidates, 100 * r.rate());
          progress.flush();
        }
      }
      results.put(voice, new PersonaResult(voice, p, r));
      plainAll = plainAll.plus(p);
      rejectionAll = rejectionAll.plus(r);
    }
    if (progress != null) {
      progress.println();
    }
    return new Result(n, candidates, head, seed, results, plainAll, rejectionAll, samples,
        (System.nanoTime() - start) / 1e9, rejectionNanos == 0 ? 0 : (double) scoringNanos / rejectionNanos);
  }
}
