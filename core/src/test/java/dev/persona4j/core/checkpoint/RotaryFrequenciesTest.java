package dev.persona4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ModelConfig#rotaryInverseFrequencies()}: the default rotary embedding and its linear and llama3 scalings. */
class RotaryFrequenciesTest {
  private static ModelConfig.Builder llama() {
    return ModelConfig.builder("llama").vocabSize(16).hiddenSize(256).intermediateSize(64).layers(1).heads(2).kvHeads(1).contextLength(64).ropeTheta(500000.0);
  }

  @Test
  void defaultFrequenciesFollowTheRopeFormula() {
    float[] inv = llama().build().rotaryInverseFrequencies();
    assertEquals(64, inv.length);
    for (int i = 0; i < inv.length; i++) {
      assertEquals(Math.pow(500000.0, -2.0 * i / 128), inv[i], 1e-6 * Math.pow(500000.0, -2.0 * i / 128));
    }
    float[] linear = llama().ropeScaling(RopeScaling.linear(4.0)).build().rotaryInverseFrequencies();
    for (int i = 0; i < inv.length; i++) {
      assertEquals(inv[i] / 4f, linear[i], 0f);
    }
  }

  @Test
  void llama3KeepsHighFrequenciesScalesLowOnesAndBlendsBetween() {
    int original = 8192;
    float[] base = llama().build().rotaryInverseFrequencies();
    float[] scaled = llama().ropeScaling(RopeScaling.llama3(8.0, 1.0, 4.0, original)).build().rotaryInverseFrequencies();
    int high = 0;
    int low = 0;
    int medium = 0;
    for (int i = 0; i < base.length; i++) {
      double wavelen = 2 * Math.PI / base[i];
      if (wavelen < original / 4.0) {
        assertEquals(base[i], scaled[i], 0f, "high frequency " + i + " kept");
        high++;
      } else if (wavelen > original / 1.0) {
        assertEquals(base[i] / 8f, scaled[i], 1e-6f * base[i], "low frequency " + i + " divided by the factor");
        low++;
      } else {
        assertTrue(scaled[i] < base[i] && scaled[i] > base[i] / 8f, "medium frequency " + i + " between");
        medium++;
      }
    }
    assertTrue(high > 0 && low > 0 && medium > 0, high + " " + medium + " " + low);
  }
}
