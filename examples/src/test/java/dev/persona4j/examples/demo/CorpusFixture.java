package dev.persona4j.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The default corpus (seed 7), generated once per test JVM, and helpers shared by the tests. */
final class CorpusFixture {
  private static Corpus corpus;

  private CorpusFixture() {}

  static synchronized Corpus defaultCorpus() {
    if (corpus == null) {
      corpus = CorpusGenerator.standard(7).generate();
    }
    return corpus;
  }

  /** The examples module's personas directory (tests run with the module as working directory). */
  static Path examplePersonasDir() {
    return CorpusMain.locateExamplePersonas();
  }

  static Map<String, String> examplePersonaTexts() {
    return CorpusMain.readExamplePersonas(examplePersonasDir());
  }

  static JsonNode parseYaml(String text) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(text);
  }

  static JsonNode parseYaml(Path file) throws IOException {
    return parseYaml(Files.readString(file));
  }

  /** All persona definition texts: the four example files, then the generated ones. */
  static List<String> allDefinitions() {
    List<String> out = new ArrayList<>(examplePersonaTexts().values());
    for (PersonaProfile p : defaultCorpus().personas()) {
      p.generatedDefinition().ifPresent(out::add);
    }
    return out;
  }
}
