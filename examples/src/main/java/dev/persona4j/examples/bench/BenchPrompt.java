package dev.persona4j.examples.bench;

import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.DefinitionStyle;
import dev.persona4j.core.prompt.Prompt;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.tokenizers.Tokenizer;
import java.util.Arrays;

/**
 * The benchmark's conversation: a persona and one user turn of generated English prose, cut so that
 * the prompt {@link dev.persona4j.core.generate.PersonaGenerator} assembles for it has exactly the
 * requested number of tokens. Both engines process those ids; the persona4j worker rebuilds the
 * conversation from the same model and length and sends it through the generator.
 */
record BenchPrompt(Persona persona, Conversation conversation, int[] ids) {
  /** What {@code {{user}}} stands for: the generator's default. */
  static final String USER_NAME = "User";
  private static final long PROSE_SEED = 7L;

  BenchPrompt {
    ids = ids.clone();
  }

  @Override
  public int[] ids() {
    return ids.clone();
  }

  /**
   * The tokenizer's own template with the compact definition: the benchmark is about decoding, so
   * the persona should leave most of the prompt to the conversation.
   */
  static PromptAssembler assembler(Tokenizer tokenizer) {
    return PromptAssembler.forTokenizer(tokenizer).withDefinitionStyle(DefinitionStyle.COMPACT);
  }

  static Persona benchPersona() {
    return Persona.builder().name("Ada").identity("A ship's navigator.").build();
  }

  /**
   * The conversation whose assembled prompt has {@code length} tokens.
   *
   * @throws BenchException when no cut of the prose gives exactly that length
   */
  static BenchPrompt of(Tokenizer tokenizer, int length) {
    int[] prose = tokenizer.encode(EnglishText.generate(PROSE_SEED, 20 + length / 2), false);
    PromptAssembler assembler = assembler(tokenizer);
    Persona persona = benchPersona();
    int cut = Math.min(length, prose.length);
    int lastSize = -1;
    // The prompt grows by about one token per prose token; a few corrections absorb the merges at
    // the cut and around the template.
    for (int attempt = 0; attempt < 8 && cut >= 1 && cut <= prose.length; attempt++) {
      Conversation conversation =
          Conversation.empty().withUser(tokenizer.decode(Arrays.copyOf(prose, cut), false));
      Prompt prompt = assembler.assemble(persona, conversation, USER_NAME, Integer.MAX_VALUE);
      lastSize = prompt.size();
      if (prompt.size() == length) {
        return new BenchPrompt(persona, conversation, prompt.ids());
      }
      cut += length - prompt.size();
    }
    throw new BenchException("no cut of the benchmark prose gives a " + length
        + "-token prompt with this tokenizer (last tried: " + lastSize + " tokens for a "
        + cut + "-token user turn; the persona and template alone may take more)");
  }
}
