package dev.persona4j.core.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.HeadFileException;
import dev.persona4j.core.heads.HeadFiles;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.samplers.SamplerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model profile ({@code persona4j.json}) read by {@link PersonaGenerator#builder} itself, on a
 * copy of the tiny Llama reference checkpoint with a profile and a head saved beside it.
 */
class ModelProfileTest {
  @TempDir Path dir;

  /** The reference checkpoint copied into {@code dir}, with {@code profile} as its persona4j.json. */
  private LanguageModel modelWithProfile(String profile) throws IOException {
    try (Stream<Path> files = Files.list(PersonaGeneratorTest.LLAMA)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    if (profile != null) {
      Files.writeString(dir.resolve(ModelProfile.FILE), profile);
    }
    return Backends.load(dir);
  }

  @Test
  void aModelWithoutProfileGetsTheDefaults() throws IOException {
    try (LanguageModel model = modelWithProfile(null)) {
      assertEquals(ModelProfile.defaults(), ModelProfile.of(model));
      // The reference checkpoint's context is 128 tokens: the default limit of 128 new tokens leaves no room.
      PersonaGenerator g = PersonaGenerator.builder(model, Persona.builder().name("Mara").build()).contextBudget(64)
          .build();
      assertEquals(128, g.stopConditions().maxNewTokens());
      assertEquals(DefinitionStyle.FULL, g.profile().definitionStyle());
      assertEquals(1, g.policy().candidatesPerRound());
    }
  }

  @Test
  void theBuilderReadsTheProfileLoadsItsHeadsAndExplicitSettingsOverrideIt() throws IOException {
    try (LanguageModel model = modelWithProfile("""
        {"definition_style": "compact", "user_name": "Ana", "max_new_tokens": 5, "temperature": 0.5, "min_p": 0.1,
         "stop_strings": ["\\nAna:"], "candidates": 3, "heads": ["heads/probe.safetensors"], "selection_head": "probe",
         "held_out": "ignored.jsonl"}
        """)) {
      HeadFiles.save(dir.resolve("heads"), PersonaGeneratorTest.meanProbe("probe", 3, 1f, model.info()), model.info());
      ModelProfile profile = ModelProfile.of(model);
      assertEquals(new ModelProfile(DefinitionStyle.COMPACT, "Ana",
          SamplerSettings.builder().temperature(0.5).topP(0.95).minP(0.1).build(), 5, List.of("\nAna:"), 3,
          List.of(dir.resolve("heads/probe.safetensors")), Optional.of("probe"), Map.of(), false), profile);

      Persona mara = Persona.builder().name("Mara").build();
      PersonaGenerator g = PersonaGenerator.builder(model, mara).seed(1).build();
      assertEquals(DefinitionStyle.COMPACT, g.profile().definitionStyle());
      assertEquals("Ana", g.userName());
      assertEquals(profile.sampler(), g.samplerSettings());
      assertEquals(5, g.stopConditions().maxNewTokens());
      assertEquals(List.of("\nAna:"), g.stopConditions().stopStrings());
      assertEquals(List.of("probe"), g.heads().stream().map(h -> h.name()).toList());
      assertEquals("probe", g.policy().scorer().describe());
      Reply reply = g.reply(Conversation.empty().withUser("Ahoy!"));
      assertEquals(3, reply.candidates().size());
      assertTrue(reply.candidates().get(0).scores().containsKey("probe"));

      PersonaGenerator plain = PersonaGenerator.builder(model, mara).userName("Bo").heads(List.of()).candidates(2)
          .sampler(SamplerSettings.greedy()).build();
      assertEquals("Bo", plain.userName());
      assertEquals(List.of(), plain.heads());
      assertEquals(2, plain.policy().candidatesPerRound());
      assertEquals(SamplerSettings.greedy(), plain.samplerSettings());
      PersonaGenerator ignoring = PersonaGenerator.builder(model, mara).profile(ModelProfile.defaults())
          .contextBudget(64).build();
      assertEquals(128, ignoring.stopConditions().maxNewTokens());
    }
  }

  @Test
  void aMissingHeadFileIsATypedErrorNamingTheFile() throws IOException {
    try (LanguageModel model = modelWithProfile("{\"heads\": [\"heads/in_charcter.safetensors\"]}")) {
      HeadFileException e = assertThrows(HeadFileException.class,
          () -> PersonaGenerator.builder(model, Persona.builder().name("Mara").build()).build());
      assertTrue(e.getMessage().contains("in_charcter.safetensors"), e.getMessage());
    }
  }

  @Test
  void aFieldOfTheWrongTypeIsAnErrorNamingFileAndField() throws IOException {
    Files.writeString(dir.resolve(ModelProfile.FILE), "{\"temperature\": \"hot\"}");
    Persona4jException e = assertThrows(Persona4jException.class, () -> ModelProfile.read(dir));
    assertTrue(e.getMessage().contains(ModelProfile.FILE) && e.getMessage().contains("temperature"), e.getMessage());
    Files.writeString(dir.resolve(ModelProfile.FILE), "{\"definition_style\": \"tiny\"}");
    e = assertThrows(Persona4jException.class, () -> ModelProfile.read(dir));
    assertTrue(e.getMessage().contains("definition_style = 'tiny'"), e.getMessage());
    Files.writeString(dir.resolve(ModelProfile.FILE), "{\"heads\": \"heads/a.safetensors\"}");
    e = assertThrows(Persona4jException.class, () -> ModelProfile.read(dir));
    assertTrue(e.getMessage().contains("heads"), e.getMessage());
    Files.writeString(dir.resolve(ModelProfile.FILE), "{\"candidates\": 0}");
    e = assertThrows(Persona4jException.class, () -> ModelProfile.read(dir));
    assertTrue(e.getMessage().contains("candidates = 0"), e.getMessage());
  }
}
