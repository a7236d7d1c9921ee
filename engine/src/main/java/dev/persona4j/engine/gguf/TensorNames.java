package dev.persona4j.engine.gguf;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's tensor names and Hugging Face's, both ways, and llama.cpp's Q/K row permutation: for the llama
 * architecture its converter reorders each head's rows of q and k from two halves (Hugging Face's rotary
 * layout) to interleaved pairs (ggml's rope), so a reader undoes it and a writer applies it.
 */
final class TensorNames {
  private static final Pattern HF_LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
  private static final Pattern GGUF_LAYER = Pattern.compile("blk\\.(\\d+)\\.(.+)");
  /** {Hugging Face, llama.cpp} names of the global tensors. */
  private static final List<String[]> GLOBAL = List.of(
      new String[] {"model.embed_tokens.weight", "token_embd.weight"},
      new String[] {"lm_head.weight", "output.weight"},
      new String[] {"model.norm.weight", "output_norm.weight"});
  /** {Hugging Face, llama.cpp} stems inside a layer; ".weight" and ".bias" follow both. */
  private static final List<String[]> LAYER = List.of(
      new String[] {"input_layernorm", "attn_norm"},
      new String[] {"post_attention_layernorm", "ffn_norm"},
      new String[] {"self_attn.q_proj", "attn_q"},
      new String[] {"self_attn.k_proj", "attn_k"},
      new String[] {"self_attn.v_proj", "attn_v"},
      new String[] {"self_attn.o_proj", "attn_output"},
      new String[] {"self_attn.qkv_proj", "attn_qkv"},
      new String[] {"self_attn.q_norm", "attn_q_norm"},
      new String[] {"self_attn.k_norm", "attn_k_norm"},
      new String[] {"mlp.gate_proj", "ffn_gate"},
      new String[] {"mlp.up_proj", "ffn_up"},
      new String[] {"mlp.gate_up_proj", "ffn_up"},
      new String[] {"mlp.down_proj", "ffn_down"});

  private TensorNames() {}

  /** The Hugging Face name of a llama.cpp tensor name (phi3's fused {@code ffn_up} is {@code gate_up_proj}). */
  static Optional<String> toHf(String gguf) {
    return toHf(gguf, false);
  }

  static Optional<String> toHf(String gguf, boolean fusedGateUp) {
    for (String[] g : GLOBAL) {
      if (g[1].equals(gguf)) {
        return Optional.of(g[0]);
      }
    }
    Matcher m = GGUF_LAYER.matcher(gguf);
    if (!m.matches()) {
      return Optional.empty();
    }
    for (String[] l : LAYER) {
      for (String suffix : new String[] {".weight", ".bias"}) {
        if (m.group(2).equals(l[1] + suffix) && (!l[1].equals("ffn_up") || l[0].equals("mlp.gate_up_proj") == fusedGateUp)) {
          return Optional.of("model.layers." + m.group(1) + "." + l[0] + suffix);
        }
      }
    }
    return Optional.empty();
  }

  /** The llama.cpp name of a Hugging Face tensor name. */
  static Optional<String> toGguf(String hf) {
    for (String[] g : GLOBAL) {
      if (g[0].equals(hf)) {
        return Optional.of(g[1]);
      }
    }
    Matcher m = HF_LAYER.matcher(hf);
    if (!m.matches()) {
      return Optional.empty();
    }
    for (String[] l : LAYER) {
      for (String suffix : new String[] {".weight", ".bias"}) {
        if (m.group(2).equals(l[0] + suffix)) {
          return Optional.of("blk." + m.group(1) + "." + l[1] + suffix);
        }
      }
    }
    return Optional.empty();
  }

  /** Whether a tensor's rows are permuted for ggml's rope: q and k (weights and biases) of the llama architecture. */
  static boolean permuted(String architecture, String gguf) {
    return architecture.equals("llama") && (gguf.matches("blk\\.\\d+\\.attn_[qk]\\.(weight|bias)"));
  }

  /** Whether the permuted tensor is a key projection (permuted per key/value head rather than per query head). */
  static boolean isKey(String gguf) {
    return gguf.contains(".attn_k.");
  }

  /** The row of the file that holds Hugging Face's row {@code hfRow}: the inverse of {@link #hfRow}. */
  static int ggufRow(int hfRow, int rows, int heads) {
    int perHead = rows / heads;
    int half = perHead / 2;
    int head = hfRow / perHead;
    int within = hfRow % perHead;
    return head * perHead + 2 * (within % half) + within / half;
  }

  /**
   * The Hugging Face row that llama.cpp's permutation puts at row {@code ggufRow} of a {@code rows}-row q or k
   * projection of {@code heads} heads: within a head, row {@code 2i + j} holds Hugging Face's row {@code j·half + i}.
   */
  static int hfRow(int ggufRow, int rows, int heads) {
    int perHead = rows / heads;
    int half = perHead / 2;
    int head = ggufRow / perHead;
    int within = ggufRow % perHead;
    return head * perHead + (within % 2) * half + within / 2;
  }
}
