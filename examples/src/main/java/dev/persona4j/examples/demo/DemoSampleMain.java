package dev.persona4j.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.TokenSampler;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import dev.persona4j.internal.Json;

/**
 * A quick check of a trained demo model: for each example persona, N replies with plain sampling to
 * the held-out user turns, judged by the {@link DriftDetector}; prints a few replies per persona and
 * the out-of-character rates. Usage: {@code DemoSampleMain --model DIR [--n 50] [--temperature 0.8]
 * [--min-p 0] [--seed 1] [--show 3]}.
 */
public final class DemoSampleMain {
  private DemoSampleMain() {}

  /** One sampled reply and its verdict. */
  record Sample(String user, String reply, DriftVerdict verdict, boolean ended) {}

  public static void main(String[] args) throws IOException {
    Path model = null;
    int n = 50;
    double temperature = 0.8;
    double minP = 0;
    long seed = 1;
    int show = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--model" -> model = Path.of(args[i + 1]);
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--temperature" -> temperature = Double.parseDouble(args[i + 1]);
        case "--min-p" -> minP = Double.parseDouble(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--show" -> show = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (model == null) {
      throw new IllegalArgumentException("--model DIR is required");
    }
    Path personas = CorpusMain.locateExamplePersonas();
    DriftDetector detector = DriftDetector.standard();
    int total = 0;
    int drifted = 0;
    try (LanguageModel lm = Backends.load(model)) {
      for (String id : Voices.IDS) {
        Persona persona = PersonaFiles.load(personas.resolve(id + ".yaml"));
        List<String> users = heldOutUserTurns(model.resolve(DemoTrainer.HELD_OUT_FILE), id);
        List<Sample> samples = sample(lm, persona, id, users, n, temperature, minP, seed, detector);
        long out = samples.stream().filter(s -> !s.verdict().isInCharacter()).count();
        long generic = samples.stream().filter(s -> s.verdict().label().kind() == DriftLabel.Kind.GENERIC_ASSISTANT)
            .count();
        long unfinished = samples.stream().filter(s -> !s.ended()).count();
        System.out.printf(Locale.ROOT, "%n== %s: %d/%d out of character (%.1f%%; generic %d, other persona %d),"
            + " %d without end of turn%n", id, out, samples.size(), 100.0 * out / samples.size(), generic,
            out - generic, unfinished);
        for (int i = 0; i < Math.min(show, samples.size()); i++) {
          Sample s = samples.get(i);
          System.out.printf("  User: %s%n  %s [%s%s]: %s%n", s.user(), persona.charName(), s.verdict().label().code(),
              s.verdict().evidence().map(e -> ": \"" + e + "\"").orElse(""), s.reply());
        }
        samples.stream().filter(s -> !s.verdict().isInCharacter()).limit(2).forEach(s -> System.out.printf(
            "  (drifted) User: %s%n  %s [%s]: %s%n", s.user(), persona.charName(), s.verdict().label().code(), s.reply()));
        total += samples.size();
        drifted += (int) out;
      }
    }
    System.out.printf(Locale.ROOT, "%noverall: %d/%d out of character (%.1f%%) at temperature %.2f, min-p %.2f%n",
        drifted, total, 100.0 * drifted / total, temperature, minP);
  }

  static List<String> heldOutUserTurns(Path heldOut, String persona) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String line : Files.readAllLines(heldOut)) {
      JsonNode e = Json.mapper().readTree(line);
      if (e.get("persona").asText().equals(persona)) {
        out.add(e.get("user").asText());
      }
    }
    return new ArrayList<>(out);
  }

  /** n plain-sampled replies, all sequences decoded together. */
  static List<Sample> sample(LanguageModel lm, Persona persona, String voice, List<String> users, int n,
      double temperature, double minP, long seed, DriftDetector detector) {
    Tokenizer tokenizer = lm.tokenizer();
    PromptAssembler assembler = PromptAssembler.forTokenizer(tokenizer).withDefinitionStyle(DefinitionStyle.COMPACT);
    SamplerSettings settings = SamplerSettings.builder().temperature(temperature).minP(minP).build();
    Set<Integer> eos = new LinkedHashSet<>(lm.generationConfig().eosTokenIds());
    List<int[]> prompts = new ArrayList<>();
    List<TokenSampler> samplers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prompts.add(assembler.assemble(persona, Conversation.empty().withUser(users.get(i % users.size())), "User", 448)
          .ids());
      samplers.add(new TokenSampler(settings, seed * 1_000_003L + i));
    }
    List<List<Integer>> replies = new ArrayList<>();
    boolean[] ended = new boolean[n];
    try (DecodingState state = lm.newState()) {
      Forward f = state.prefill(prompts, ForwardRequest.lastLogits());
      int[] seq = new int[n];
      int[] next = new int[n];
      for (int i = 0; i < n; i++) {
        seq[i] = f.sequence(i);
        next[i] = samplers.get(i).sample(f.lastLogits(i));
        replies.add(new ArrayList<>());
      }
      for (int step = 0; step < 64; step++) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (ended[i]) {
            continue;
          }
          if (eos.contains(next[i])) {
            ended[i] = true;
            state.release(seq[i]);
          } else {
            replies.get(i).add(next[i]);
            live.add(i);
          }
        }
        if (live.isEmpty() || step == 63) {
          break;
        }
        int[] ids = live.stream().mapToInt(i -> seq[i]).toArray();
        int[] tokens = live.stream().mapToInt(i -> next[i]).toArray();
        Forward g = state.step(ids, tokens, ForwardRequest.lastLogits());
        for (int j = 0; j < live.size(); j++) {
          next[live.get(j)] = samplers.get(live.get(j)).sample(g.lastLogits(j));
        }
      }
    }
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = tokenizer.decode(replies.get(i).stream().mapToInt(Integer::intValue).toArray(), true).strip();
      out.add(new Sample(users.get(i % users.size()), text, detector.judge(voice, text), ended[i]));
    }
    return out;
  }
}
