package dev.persona4j.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which type each tensor of a quantized file gets, rows that are not whole blocks included. */
class GgufFileTypeTest {
  @Test
  void kQuantRowsThatAreNotWholeBlocksFallBackToQ8_0ThenF16() {
    long[] whole = {512, 64};
    long[] smolWidth = {576, 1536}; // SmolLM2's hidden size: 2.25 K-quant blocks, 18 Q8_0 blocks
    long[] odd = {100, 64};
    assertEquals(GgufType.Q4_K, GgufFileType.Q4_K_M.typeOf("blk.1.attn_q.weight", whole, 30, true));
    assertEquals(GgufType.Q6_K, GgufFileType.Q4_K_M.typeOf("blk.0.attn_v.weight", whole, 30, true));
    assertEquals(GgufType.Q6_K, GgufFileType.Q4_K_M.typeOf("token_embd.weight", whole, 30, true));
    assertEquals(GgufType.Q8_0, GgufFileType.Q4_K_M.typeOf("blk.1.attn_q.weight", smolWidth, 30, true));
    assertEquals(GgufType.Q8_0, GgufFileType.Q6_K.typeOf("blk.1.ffn_up.weight", smolWidth, 30, true));
    assertEquals(GgufType.F16, GgufFileType.Q4_K.typeOf("blk.1.attn_q.weight", odd, 30, true));
    assertEquals(GgufType.F16, GgufFileType.Q8_0.typeOf("blk.1.attn_q.weight", odd, 30, true));
    assertEquals(GgufType.F32, GgufFileType.Q4_K_M.typeOf("blk.1.attn_norm.weight", new long[] {576}, 30, true));
  }
}
