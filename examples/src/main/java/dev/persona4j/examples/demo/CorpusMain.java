package dev.persona4j.examples.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes the demo corpus and its tokenizer into a directory:
 * <ul>
 *   <li>{@code corpus.jsonl}: one example per line (persona, voice, user, reply, label, topic)</li>
 *   <li>{@code personas/<id>.yaml}: every persona's persona4j/v1 definition (the four example files
 *       copied, the generated ones rendered)</li>
 *   <li>{@code tokenizer.json}, {@code tokenizer_config.json}: the byte-level BPE tokenizer</li>
 * </ul>
 * Usage: {@code CorpusMain --out DIR [--seed 7] [--personas examples/personas] [--vocab 3072]}.
 */
public final class CorpusMain {
  private CorpusMain() {}

  public static void main(String[] args) {
    Path out = null;
    long seed = 7;
    Path personasDir = null;
    int vocab = TokenizerBuilder.DEFAULT_VOCABULARY_SIZE;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (i + 1 >= args.length) {
        usage("missing value after " + arg);
      }
      String value = args[++i];
      try {
        switch (arg) {
          case "--out" -> out = Path.of(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--personas" -> personasDir = Path.of(value);
          case "--vocab" -> vocab = Integer.parseInt(value);
          default -> usage("unknown option " + arg);
        }
      } catch (NumberFormatException e) {
        usage("not a number for " + arg + ": " + value);
      }
    }
    if (out == null) {
      usage("--out is required");
    }
    if (personasDir == null) {
      personasDir = locateExamplePersonas();
    }
    run(out, seed, personasDir, vocab, System.out);
  }

  /** Generates everything into {@code out} and prints statistics to {@code log}. */
  public static void run(Path out, long seed, Path examplePersonas, int vocab, PrintStream log) {
    Corpus corpus = CorpusGenerator.standard(seed).generate();
    corpus.writeJsonl(out.resolve("corpus.jsonl"));
    Path personasOut = out.resolve("personas");
    corpus.writeGeneratedPersonas(personasOut);
    Map<String, String> definitions = new TreeMap<>();
    for (PersonaProfile p : corpus.personas()) {
      if (p.generated()) {
        definitions.put(p.id(), p.generatedDefinition().orElseThrow());
      } else {
        Path file = examplePersonas.resolve(p.id() + ".yaml");
        String text = read(file);
        definitions.put(p.id(), text);
        write(personasOut.resolve(p.id() + ".yaml"), text);
      }
    }
    ByteLevelBpe bpe = TokenizerBuilder.forCorpus(corpus, List.copyOf(definitions.values()), vocab);
    bpe.write(out);

    CorpusStatistics stats = corpus.statistics();
    log.println(stats.summary());
    log.printf("vocabulary %d tokens (%d merges)%n", bpe.vocabularySize(), bpe.mergeCount());
    long replyTokens = 0;
    long userTokens = 0;
    for (CorpusExample e : corpus.examples()) {
      replyTokens += bpe.encode(e.reply()).length;
      userTokens += bpe.encode(e.user()).length;
    }
    int n = corpus.examples().size();
    log.printf("tokens per reply %.1f, per user turn %.1f%n", replyTokens / (double) n,
        userTokens / (double) n);
    List<String> perDefinition = new ArrayList<>();
    long generatedTotal = 0;
    int generatedCount = 0;
    for (Map.Entry<String, String> e : definitions.entrySet()) {
      int tokens = bpe.encode(e.getValue()).length;
      if (e.getKey().startsWith("gen-")) {
        generatedTotal += tokens;
        generatedCount++;
      } else {
        perDefinition.add(e.getKey() + " " + tokens);
      }
    }
    log.printf("definition tokens (YAML text): %s; generated mean %.0f%n",
        String.join(", ", perDefinition),
        generatedCount == 0 ? 0.0 : generatedTotal / (double) generatedCount);
    log.println("wrote " + out.toAbsolutePath());
  }

  /** examples/personas from the repository root, or personas/ from the examples module. */
  static Path locateExamplePersonas() {
    for (String candidate : List.of("examples/personas", "personas")) {
      Path p = Path.of(candidate);
      if (Files.isRegularFile(p.resolve("captain.yaml"))) {
        return p;
      }
    }
    throw new CorpusException("cannot find the example personas (looked for examples/personas and"
        + " personas under " + Path.of("").toAbsolutePath() + "); pass --personas DIR");
  }

  /** The four example persona files' texts, by id, from a personas directory. */
  static Map<String, String> readExamplePersonas(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".yaml")) {
          out.put(name.substring(0, name.length() - 5), read(f));
        }
      }
    } catch (IOException e) {
      throw new CorpusException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot read persona file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CorpusException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: CorpusMain --out DIR [--seed N] [--personas DIR] [--vocab N]");
    System.exit(2);
  }
}
