package dev.persona4j.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.persona4j.core.persona.Persona;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.prompt.Conversation;
import dev.persona4j.core.prompt.Prompt;
import dev.persona4j.core.prompt.PromptAssembler;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import dev.persona4j.internal.Json;

/**
 * Turns the demo corpus into training data for the demo model: a held-out split (for the heads), and
 * multi-turn conversations rendered by the library's own {@link PromptAssembler} into token sequences
 * whose loss falls on the character's replies.
 *
 * <p>A conversation is one persona definition followed by a few exchanges of one persona, each reply
 * keeping its own corpus label, so the trained replies drift at exactly the corpus rate. Its sequence
 * is the prompt for the last user turn (every earlier exchange is history) followed by the last reply
 * and the end-of-turn token; the earlier replies are located by assembling the prompt for each turn,
 * which must be a prefix of the next one (checked token by token).
 */
final class DemoTrainingData {

  /** Exchanges of one persona, in order, to be rendered as one conversation. */
  record Dialogue(String persona, List<CorpusExample> exchanges) {}

  /**
   * A rendered conversation: token ids, and for every position whether the next token is part of a
   * reply (its text or its end-of-turn token), i.e. whether predicting it counts towards the loss.
   */
  record Sequence(int[] ids, boolean[] predictsReply) {
    int replyTokens() {
      int n = 0;
      for (boolean b : predictsReply) {
        n += b ? 1 : 0;
      }
      return n;
    }
  }

  /** The corpus split: held-out examples are never trained on. */
  record Split(List<CorpusExample> train, List<CorpusExample> heldOut) {}

  private DemoTrainingData() {}

  /**
   * Holds out {@code share} of each persona's examples (the corpus is shuffled already, so the last
   * ones of each persona are a random sample), so every persona and label occurs in both parts.
   */
  static Split split(Corpus corpus, double share) {
    Map<String, List<CorpusExample>> byPersona = byPersona(corpus.examples());
    List<CorpusExample> train = new ArrayList<>();
    List<CorpusExample> heldOut = new ArrayList<>();
    for (List<CorpusExample> examples : byPersona.values()) {
      int held = (int) Math.round(examples.size() * share);
      train.addAll(examples.subList(0, examples.size() - held));
      heldOut.addAll(examples.subList(examples.size() - held, examples.size()));
    }
    return new Split(train, heldOut);
  }

  private static Map<String, List<CorpusExample>> byPersona(List<CorpusExample> examples) {
    Map<String, List<CorpusExample>> out = new LinkedHashMap<>();
    for (CorpusExample e : examples) {
      out.computeIfAbsent(e.persona(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }

  /** Groups each persona's examples, in corpus order, into dialogues of minTurns..maxTurns exchanges. */
  static List<Dialogue> dialogues(List<CorpusExample> examples, int minTurns, int maxTurns, SplittableRandom rng) {
    List<Dialogue> out = new ArrayList<>();
    for (Map.Entry<String, List<CorpusExample>> e : byPersona(examples).entrySet()) {
      List<CorpusExample> list = e.getValue();
      int at = 0;
      while (at < list.size()) {
        int n = Math.min(list.size() - at, minTurns + rng.nextInt(maxTurns - minTurns + 1));
        out.add(new Dialogue(e.getKey(), List.copyOf(list.subList(at, at + n))));
        at += n;
      }
    }
    return out;
  }

  /** Every persona of the corpus as a parsed definition: example files from {@code exampleDir}. */
  static Map<String, Persona> personas(Corpus corpus, Path exampleDir) {
    Map<String, Persona> out = new LinkedHashMap<>();
    for (PersonaProfile p : corpus.personas()) {
      if (p.generated()) {
        out.put(p.id(), PersonaFiles.parse(p.generatedDefinition().orElseThrow(), PersonaFiles.Format.YAML,
            p.id() + ".yaml"));
      } else {
        out.put(p.id(), PersonaFiles.load(exampleDir.resolve(p.id() + ".yaml")));
      }
    }
    return out;
  }

  /**
   * Renders a dialogue; exchanges that would take the sequence past {@code maxTokens} are left out.
   *
   * @throws CorpusException when a turn's prompt is not a prefix of the next turn's (the template or
   *     tokenizer would then not see during generation what it saw in training)
   */
  static Sequence render(Dialogue dialogue, Persona persona, PromptAssembler assembler, Tokenizer tokenizer,
      String userName, int endOfTurnId, int maxTokens) {
    Conversation conversation = Conversation.empty();
    int[] sequence = new int[0];
    List<int[]> replySpans = new ArrayList<>();
    for (CorpusExample exchange : dialogue.exchanges()) {
      conversation = conversation.withUser(exchange.user());
      Prompt prompt = assembler.assemble(persona, conversation, userName, Integer.MAX_VALUE);
      int[] ids = prompt.ids();
      if (prompt.historyTurnsDropped() > 0 || !Arrays.equals(ids, 0, sequence.length, sequence, 0, sequence.length)) {
        int at = Arrays.mismatch(ids, 0, Math.min(ids.length, sequence.length), sequence, 0,
            Math.min(ids.length, sequence.length));
        at = at < 0 ? Math.min(ids.length, sequence.length) : at;
        throw new CorpusException("persona " + dialogue.persona() + ": the prompt for user turn '"
            + exchange.user() + "' does not continue the previous turn's tokens at token " + at + ": '"
            + tokenizer.decode(Arrays.copyOfRange(ids, Math.max(0, at - 3), Math.min(ids.length, at + 3)), false)
            + "' vs '" + tokenizer.decode(Arrays.copyOfRange(sequence, Math.max(0, at - 3),
                Math.min(sequence.length, at + 3)), false) + "'");
      }
      int[] reply = tokenizer.encode(exchange.reply(), false);
      int length = ids.length + reply.length + 1;
      if (length > maxTokens) {
        break;
      }
      int[] next = Arrays.copyOf(ids, length);
      System.arraycopy(reply, 0, next, ids.length, reply.length);
      next[length - 1] = endOfTurnId;
      replySpans.add(new int[] {ids.length, length});
      sequence = next;
      conversation = conversation.withCharacter(exchange.reply());
    }
    if (replySpans.isEmpty()) {
      throw new CorpusException("persona " + dialogue.persona() + ": even one exchange takes more than "
          + maxTokens + " tokens");
    }
    boolean[] predictsReply = new boolean[sequence.length];
    for (int[] span : replySpans) {
      // position t predicts token t + 1
      for (int t = span[0] - 1; t < span[1] - 1; t++) {
        predictsReply[t] = true;
      }
    }
    return new Sequence(sequence, predictsReply);
  }

  /**
   * Writes the held-out split as JSON lines for head training: the single-turn prompt text as the
   * assembler renders it, the reply, its label ({@code in_character}, {@code generic_assistant},
   * {@code other_persona:<voice>}), {@code in_character} as a boolean, the persona and its voice, and
   * {@code speaking_voice}: the voice the reply is actually in ({@code generic_assistant} for the
   * assistant voice).
   */
  static void writeHeldOut(Path file, List<CorpusExample> heldOut, Map<String, Persona> personas,
      PromptAssembler assembler, String userName) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (CorpusExample e : heldOut) {
        Persona persona = personas.get(e.persona());
        Prompt prompt = assembler.assemble(persona, Conversation.empty().withUser(e.user()), userName,
            Integer.MAX_VALUE);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("persona", e.persona());
        record.put("persona_name", persona.name());
        record.put("voice", e.voice());
        record.put("topic", e.topic().id());
        record.put("user", e.user());
        record.put("prompt", prompt.text());
        record.put("reply", e.reply());
        record.put("label", e.label().code());
        record.put("in_character", e.label().isInCharacter());
        record.put("speaking_voice", switch (e.label().kind()) {
          case IN_CHARACTER -> e.voice();
          case GENERIC_ASSISTANT -> Voices.GENERIC;
          case OTHER_PERSONA -> e.label().otherVoice().orElseThrow();
        });
        out.write(Json.mapper().writeValueAsString(record));
        out.write('\n');
      }
    } catch (JsonProcessingException ex) {
      throw new CorpusException("cannot serialise a held-out example: " + ex.getMessage(), ex);
    } catch (IOException ex) {
      throw new CorpusException("cannot write " + file + ": " + ex.getMessage(), ex);
    }
  }
}
