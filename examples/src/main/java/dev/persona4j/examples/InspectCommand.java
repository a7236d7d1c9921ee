package dev.persona4j.examples;

import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.backend.ModelInfo;
import dev.persona4j.core.checkpoint.SafetensorsWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs one forward pass of a checkpoint and writes what transformers would give for the same input:
 * the ids, every position's logits, every hidden state ({@code output_hidden_states} semantics) and
 * optionally a greedy continuation decoded with the KV cache. The file to compare when a checkpoint
 * behaves strangely.
 */
@Command(
    name = "inspect",
    description = "Write input_ids, logits, hidden_states (and greedy tokens) of a model to a safetensors file.")
final class InspectCommand implements Callable<Integer> {

  static final class Input {
    @Option(names = "--text", description = "Text to encode with the model's tokenizer.")
    String text;

    @Option(names = "--ids", split = ",", description = "Token ids, comma separated.")
    int[] ids;
  }

  @Option(names = "--model", required = true, description = "A Hugging Face model directory or a GGUF file.")
  Path model;

  @Mixin EngineOption engine = new EngineOption();

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--no-special-tokens", description = "Encode --text without adding special tokens (BOS).")
  boolean noSpecialTokens;

  @Option(names = "--greedy", paramLabel = "N", description = "Also decode N greedy tokens with the KV cache.")
  int greedy;

  @Option(names = "--out", required = true, description = "Output .safetensors file.")
  Path out;

  @Override
  public Integer call() {
    PrintStream err = System.err;
    try (LanguageModel lm = engine.load(model)) {
      ModelInfo info = lm.info();
      int[] ids;
      if (input.ids != null) {
        ids = input.ids;
      } else {
        ids = lm.tokenizer().encode(input.text, !noSpecialTokens); // the model's own: a GGUF file carries it
      }
      int[] taps = new int[info.layers() + 1];
      Arrays.setAll(taps, i -> i);
      SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
      try (DecodingState state = lm.newState()) {
        Forward forward = state.prefill(List.of(ids), ForwardRequest.allPositions(taps));
        float[][] logits = forward.logits(0);
        writer.putI64("input_ids", new long[] {ids.length}, Arrays.stream(ids).asLongStream().toArray());
        writer.putF32("logits", new long[] {ids.length, info.vocabSize()}, flatten(logits));
        float[] hidden = new float[taps.length * ids.length * info.hiddenSize()];
        for (int tap : taps) {
          float[] layer = flatten(forward.hidden(0, tap));
          System.arraycopy(layer, 0, hidden, tap * layer.length, layer.length);
        }
        writer.putF32("hidden_states", new long[] {taps.length, ids.length, info.hiddenSize()}, hidden);
        if (greedy > 0) {
          long[] tokens = new long[greedy];
          int sequence = forward.sequence(0);
          float[] last = forward.lastLogits(0);
          for (int i = 0; i < greedy; i++) {
            int next = argmax(last);
            tokens[i] = next;
            if (i + 1 < greedy) {
              last = state.step(new int[] {sequence}, new int[] {next}, ForwardRequest.lastLogits())
                  .lastLogits(0);
            }
          }
          writer.putI64("greedy", new long[] {greedy}, tokens);
          err.println("greedy: " + Arrays.toString(tokens));
        }
      }
      writer.write(out);
      err.printf("%s: %d layers, hidden %d, vocab %d; %d tokens -> %s%n",
          info.architecture(), info.layers(), info.hiddenSize(), info.vocabSize(), ids.length, out);
      return 0;
    }
  }

  private static float[] flatten(float[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    return flat;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
