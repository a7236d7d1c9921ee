package dev.persona4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufFileType;
import dev.persona4j.engine.gguf.GgufFixtures;
import dev.persona4j.engine.gguf.GgufQuantizer;
import dev.persona4j.engine.gguf.GgufTensor;
import dev.persona4j.engine.gguf.GgufType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * K-quant and Q5_0 files written by {@link GgufQuantizer} (what {@code persona4j quantize --type
 * Q4_K|Q6_K|Q5_0} writes) from the {@code llama-k} reference checkpoint run on the engine within 1e-4 of a float64 forward
 * pass over the file's own dequantized weights: the quantizer's choices are faithful, and the engine computes
 * with exactly the weights the file holds.
 */
class KQuantForwardTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"Q4_K", "Q6_K", "Q5_0"})
  void aQuantizedFileRunsAsAFloat64ForwardOverItsDequantizedWeights(String type) {
    Path out = tmp.resolve("llama-k-" + type + ".gguf");
    GgufQuantizer.quantize(GgufFixtures.hfModel("llama-k"), GgufFileType.valueOf(type), out, (name, t, done, total) -> { });
    GgufFile gguf = GgufFile.open(out);
    GgufType matrixType = GgufFileType.valueOf(type).matrixType();
    long quantized = gguf.tensors().values().stream().filter(t -> t.type() == matrixType).count();
    assertEquals(16, quantized, "every matrix of llama-k is stored as " + type);
    Reference reference = new Reference(gguf);
    List<GgufParityTest.Prompt> prompts = GgufParityTest.prompts(GgufFixtures.gguf("llama-k", "Q4_K"));
    double max = 0;
    try (LanguageModel model = Backends.load(out); DecodingState state = model.newState()) {
      for (GgufParityTest.Prompt p : prompts) {
        Forward f = state.prefill(List.of(p.ids()), ForwardRequest.allPositions());
        double[][] want = reference.logits(p.ids());
        float[][] got = f.logits(0);
        for (int t = 0; t < want.length; t++) {
          for (int v = 0; v < want[t].length; v++) {
            max = Math.max(max, Math.abs(got[t][v] - want[t][v]));
          }
        }
        state.release(f.sequence(0));
      }
    }
    System.out.printf("llama-k %s written by GgufQuantizer: max |Δlogits| vs float64 %.2e%n", type, max);
    assertTrue(max <= 1e-4, type + ": logits differ from the float64 forward by " + max);
  }

  /** A float64 llama forward pass (no cache) over a GGUF file's dequantized weights, in Hugging Face's layout. */
  private static final class Reference {
    private final ModelConfig c;
    private final Map<String, double[]> w = new HashMap<>();

    Reference(GgufFile gguf) {
      this.c = gguf.config();
      for (GgufTensor t : gguf.tensors().values()) {
        float[] f = gguf.floats(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        w.put(gguf.hfName(t).orElseThrow(), d);
      }
    }

    double[][] logits(int[] ids) {
      int n = ids.length;
      int hidden = c.hiddenSize();
      int headDim = c.headDim();
      int heads = c.heads();
      int kvHeads = c.kvHeads();
      double[][] x = new double[n][];
      double[] embed = w.get("model.embed_tokens.weight");
      for (int t = 0; t < n; t++) {
        x[t] = java.util.Arrays.copyOfRange(embed, ids[t] * hidden, (ids[t] + 1) * hidden);
      }
      float[] inv = c.rotaryInverseFrequencies();
      for (int l = 0; l < c.layers(); l++) {
        String p = "model.layers." + l + ".";
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
          double[] h = norm(x[t], w.get(p + "input_layernorm.weight"));
          q[t] = rope(mul(w.get(p + "self_attn.q_proj.weight"), h, heads * headDim), t, heads, headDim, inv);
          k[t] = rope(mul(w.get(p + "self_attn.k_proj.weight"), h, kvHeads * headDim), t, kvHeads, headDim, inv);
          v[t] = mul(w.get(p + "self_attn.v_proj.weight"), h, kvHeads * headDim);
        }
        for (int t = 0; t < n; t++) {
          double[] attended = new double[heads * headDim];
          for (int h = 0; h < heads; h++) {
            int kv = h / (heads / kvHeads) * headDim;
            double[] scores = new double[t + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s <= t; s++) {
              double dot = 0;
              for (int i = 0; i < headDim; i++) {
                dot += q[t][h * headDim + i] * k[s][kv + i];
              }
              scores[s] = dot / Math.sqrt(headDim);
              max = Math.max(max, scores[s]);
            }
            double sum = 0;
            for (int s = 0; s <= t; s++) {
              scores[s] = Math.exp(scores[s] - max);
              sum += scores[s];
            }
            for (int s = 0; s <= t; s++) {
              for (int i = 0; i < headDim; i++) {
                attended[h * headDim + i] += scores[s] / sum * v[s][kv + i];
              }
            }
          }
          add(x[t], mul(w.get(p + "self_attn.o_proj.weight"), attended, hidden));
          double[] h = norm(x[t], w.get(p + "post_attention_layernorm.weight"));
          double[] gate = mul(w.get(p + "mlp.gate_proj.weight"), h, c.intermediateSize());
          double[] up = mul(w.get(p + "mlp.up_proj.weight"), h, c.intermediateSize());
          for (int i = 0; i < gate.length; i++) {
            gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
          }
          add(x[t], mul(w.get(p + "mlp.down_proj.weight"), gate, hidden));
        }
      }
      double[][] logits = new double[n][];
      for (int t = 0; t < n; t++) {
        logits[t] = mul(w.get("lm_head.weight"), norm(x[t], w.get("model.norm.weight")), c.vocabSize());
      }
      return logits;
    }

    private double[] norm(double[] x, double[] weight) {
      double squares = 0;
      for (double v : x) {
        squares += v * v;
      }
      double inv = 1 / Math.sqrt(squares / x.length + c.normEps());
      double[] out = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        out[i] = x[i] * inv * weight[i];
      }
      return out;
    }

    /** Hugging Face's rotate_half rotary embedding on each head, angles in float64 from the config's frequencies. */
    private static double[] rope(double[] x, int position, int heads, int headDim, float[] inv) {
      int half = inv.length;
      for (int h = 0; h < heads; h++) {
        int o = h * headDim;
        for (int i = 0; i < half; i++) {
          double angle = (double) inv[i] * position;
          double x1 = x[o + i];
          double x2 = x[o + half + i];
          x[o + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
          x[o + half + i] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
        }
      }
      return x;
    }

    private static double[] mul(double[] m, double[] x, int rows) {
      double[] out = new double[rows];
      for (int r = 0; r < rows; r++) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
          sum += m[r * x.length + i] * x[i];
        }
        out[r] = sum;
      }
      return out;
    }

    private static void add(double[] x, double[] delta) {
      for (int i = 0; i < x.length; i++) {
        x[i] += delta[i];
      }
    }
  }
}
