package dev.persona4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.core.prompt.Prompt;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.core.prompt.Section;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed demo model: it loads, its tokenizer is exact on the corpus, and it speaks in voice. */
class DemoModelTest {
  /** examples/models/persona-demo, from the examples module (tests' working directory) or the root. */
  static Path modelDir() {
    for (String candidate : List.of("models/persona-demo", "examples/models/persona-demo")) {
      if (Files.isRegularFile(Path.of(candidate, "config.json"))) {
        return Path.of(candidate);
      }
    }
    throw new AssertionError("the committed demo model is missing (examples/models/persona-demo)");
  }

  @Test
  void theCommittedModelLoadsWithItsSettingsAndFitsTheSizeBudget() throws IOException {
    Path dir = modelDir();
    try (LanguageModel lm = Backends.load(dir)) {
      ModelInfo info = lm.info();
      assertEquals("llama", info.architecture());
      assertEquals(lm.tokenizer().vocabSize(), info.vocabSize());
      int eot = lm.tokenizer().tokenId("<|im_end|>").orElseThrow();
      assertEquals(List.of(eot), lm.generationConfig().eosTokenIds());
      assertTrue(lm.tokenizer().chatTemplate().orElseThrow().contains("<|im_start|>"));
    }
    JsonNode settings = new ObjectMapper().readTree(dir.resolve(DemoTrainer.SETTINGS_FILE).toFile());
    assertEquals("compact", settings.get("definition_style").asText());
    assertEquals("User", settings.get("user_name").asText());
    assertTrue(settings.get("max_new_tokens").asInt() > 0);
    assertTrue(Files.isRegularFile(dir.resolve(settings.get("held_out").asText())));
    long bytes;
    try (Stream<Path> files = Files.walk(dir)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertTrue(bytes <= 10L * 1024 * 1024, "the demo model directory takes " + bytes + " bytes");
  }

  @Test
  void theTokenizerRoundTripsTheCorpus() {
    try (Tokenizer tokenizer = Tokenizer.load(modelDir())) {
      List<String> texts = CorpusFixture.defaultCorpus().dialogueTexts();
      for (String text : texts.subList(0, 4000)) {
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, false), false));
      }
      for (String definition : CorpusFixture.allDefinitions()) {
        assertEquals(definition, tokenizer.decode(tokenizer.encode(definition, false), false));
      }
    }
  }

  @Test
  void compactPromptsHaveExactSections() {
    Path personas = CorpusMain.locateExamplePersonas();
    try (Tokenizer tokenizer = Tokenizer.load(modelDir())) {
      PromptAssembler assembler = PromptAssembler.forTokenizer(tokenizer).withDefinitionStyle(DefinitionStyle.COMPACT);
      for (String id : Voices.IDS) {
        Persona persona = PersonaFiles.load(personas.resolve(id + ".yaml"));
        Conversation c = Conversation.empty().withUser("Hello there.").withCharacter("Well, hello.")
            .withUser("What's the weather like where you are?");
        Prompt p = assembler.assemble(persona, c, "User", 512);
        int[] ids = p.ids();
        assertArrayEquals(tokenizer.encode(p.text(), false), ids);
        StringBuilder joined = new StringBuilder();
        int at = 0;
        for (Section s : p.sections()) {
          assertEquals(at, s.start());
          at = s.end();
          joined.append(tokenizer.decode(Arrays.copyOfRange(ids, s.start(), s.end()), false));
        }
        assertEquals(ids.length, at);
        assertEquals(p.text(), joined.toString());
        Section first = p.sections().get(0);
        String definition = tokenizer.decode(Arrays.copyOfRange(ids, first.start(), first.end()), false);
        assertTrue(definition.startsWith("<|im_start|>system\nYou are " + persona.charName()), definition);
        assertTrue(definition.contains(persona.voice().catchphrases().get(0)), definition);
        Section last = p.sections().get(p.sections().size() - 1);
        assertEquals(Section.Kind.GENERATION_PROMPT, last.kind());
        assertTrue(tokenizer.decode(Arrays.copyOfRange(ids, last.start(), last.end()), false)
            .endsWith("<|im_start|>assistant\n"));
        assertTrue(ids.length < 200, id + ": a compact prompt of " + ids.length + " tokens");
      }
    }
  }
}
