package dev.persona4j.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.persona4j.internal.Json;

/**
 * A generated demo corpus: the labelled examples (in shuffled order) and the personas that speak in
 * them. Written as JSON lines, one object per example with the keys persona, voice, user, reply,
 * label and topic; generated personas' definitions are written beside it as persona4j/v1 YAML.
 */
public final class Corpus {

  private final List<CorpusExample> examples;
  private final List<PersonaProfile> personas;

  Corpus(List<CorpusExample> examples, List<PersonaProfile> personas) {
    this.examples = List.copyOf(examples);
    this.personas = List.copyOf(personas);
  }

  public List<CorpusExample> examples() {
    return examples;
  }

  /** The four example personas first, then the generated ones. */
  public List<PersonaProfile> personas() {
    return personas;
  }

  public Optional<PersonaProfile> persona(String id) {
    return personas.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** One example as its JSON line (no trailing newline). */
  public static String toJson(CorpusExample e) {
    Map<String, String> record = new LinkedHashMap<>();
    record.put("persona", e.persona());
    record.put("voice", e.voice());
    record.put("user", e.user());
    record.put("reply", e.reply());
    record.put("label", e.label().code());
    record.put("topic", e.topic().id());
    try {
      return Json.mapper().writeValueAsString(record);
    } catch (JsonProcessingException ex) {
      throw new CorpusException("cannot serialise corpus example: " + ex.getMessage(), ex);
    }
  }

  /** Writes the examples as UTF-8 JSON lines. */
  public void writeJsonl(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (CorpusExample e : examples) {
          out.write(toJson(e));
          out.write('\n');
        }
      }
    } catch (IOException ex) {
      throw new CorpusException("cannot write corpus to " + file + ": " + ex.getMessage(), ex);
    }
  }

  /** Writes {@code <id>.yaml} for every generated persona into {@code dir}. */
  public void writeGeneratedPersonas(Path dir) {
    try {
      Files.createDirectories(dir);
      for (PersonaProfile p : personas) {
        if (p.generated()) {
          Files.writeString(dir.resolve(p.id() + ".yaml"), p.generatedDefinition().orElseThrow(),
              StandardCharsets.UTF_8);
        }
      }
    } catch (IOException ex) {
      throw new CorpusException("cannot write persona definitions to " + dir + ": "
          + ex.getMessage(), ex);
    }
  }

  /** Counts over the corpus. */
  public CorpusStatistics statistics() {
    Set<String> replies = new HashSet<>();
    Set<String> users = new HashSet<>();
    Map<String, Integer> labels = new LinkedHashMap<>();
    Map<String, Set<String>> inCharacterByPersona = new LinkedHashMap<>();
    Map<String, Set<String>> inCharacterByPersonaTopic = new HashMap<>();
    Set<Topic> topics = new HashSet<>();
    long words = 0;
    int minWords = Integer.MAX_VALUE;
    int maxWords = 0;
    for (PersonaProfile p : personas) {
      inCharacterByPersona.put(p.id(), new HashSet<>());
    }
    for (CorpusExample e : examples) {
      replies.add(e.reply());
      users.add(e.user());
      topics.add(e.topic());
      String kind = e.label().kind() == DriftLabel.Kind.OTHER_PERSONA ? "other_persona"
          : e.label().code();
      labels.merge(kind, 1, Integer::sum);
      int w = ReplyComposer.wordCount(e.reply());
      words += w;
      minWords = Math.min(minWords, w);
      maxWords = Math.max(maxWords, w);
      if (e.label().isInCharacter()) {
        inCharacterByPersona.get(e.persona()).add(e.reply());
        inCharacterByPersonaTopic.computeIfAbsent(e.persona() + "/" + e.topic().id(),
            k -> new HashSet<>()).add(e.reply());
      }
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (String kind : List.of("in_character", "generic_assistant", "other_persona")) {
      shares.put(kind,
          examples.isEmpty() ? 0 : labels.getOrDefault(kind, 0) / (double) examples.size());
    }
    Map<String, Integer> distinctByPersona = new LinkedHashMap<>();
    inCharacterByPersona.forEach((k, v) -> distinctByPersona.put(k, v.size()));
    int minPerPersonaTopic = Integer.MAX_VALUE;
    for (PersonaProfile p : personas) {
      for (Topic t : Topic.values()) {
        Set<String> set = inCharacterByPersonaTopic.get(p.id() + "/" + t.id());
        minPerPersonaTopic = Math.min(minPerPersonaTopic, set == null ? 0 : set.size());
      }
    }
    return new CorpusStatistics(examples.size(), personas.size(), topics.size(), replies.size(),
        users.size(), shares, examples.isEmpty() ? 0 : words / (double) examples.size(),
        examples.isEmpty() ? 0 : minWords, maxWords, distinctByPersona,
        personas.isEmpty() ? 0 : minPerPersonaTopic);
  }

  /** Every text a prompt of this corpus is made of, for tokenizer training: users and replies. */
  public List<String> dialogueTexts() {
    List<String> out = new ArrayList<>(examples.size() * 2);
    for (CorpusExample e : examples) {
      out.add(e.user());
      out.add(e.reply());
    }
    return out;
  }
}
