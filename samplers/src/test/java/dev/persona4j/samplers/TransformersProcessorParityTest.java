package dev.persona4j.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each processor alone against what transformers' logits processors and warpers computed for the
 * same scores and history (sampler_processors.json, copied from the shared hf-reference fixtures).
 */
class TransformersProcessorParityTest {
  private static final double TOLERANCE = 1e-5;

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesTransformers() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/sampler_processors.json")) {
      assertNotNull(in, "sampler_processors.json missing from test resources");
      root = new ObjectMapper().readTree(in);
    }
    JsonNode cases = root.get("cases");
    assertEquals(108, cases.size(), "case count in the fixture");
    List<DynamicTest> tests = new ArrayList<>();
    for (int c = 0; c < cases.size(); c++) {
      JsonNode kase = cases.get(c);
      String name = "case " + c + ": " + kase.get("processor").asText() + " " + kase.get("params");
      tests.add(DynamicTest.dynamicTest(name, () -> check(kase)));
    }
    return tests.stream();
  }

  private static void check(JsonNode kase) {
    float[] logits = floats(kase.get("logits"));
    int[] history = ints(kase.get("history"));
    LogitsProcessor processor = processorFor(kase.get("processor").asText(), kase.get("params"));
    processor.process(logits, TokenHistory.of(history));
    JsonNode expected = kase.get("expected");
    assertEquals(expected.size(), logits.length);
    int kept = 0;
    for (int i = 0; i < logits.length; i++) {
      JsonNode e = expected.get(i);
      if (e.isNull()) {
        assertEquals(Float.NEGATIVE_INFINITY, logits[i], "token " + i + " should be removed");
      } else {
        kept++;
        assertTrue(logits[i] != Float.NEGATIVE_INFINITY, "token " + i + " should be kept");
        assertEquals(e.asDouble(), logits[i], TOLERANCE, "score of token " + i);
      }
    }
    assertTrue(kept >= 1, "every processor keeps at least one token");
  }

  private static LogitsProcessor processorFor(String kind, JsonNode params) {
    switch (kind) {
      case "temperature":
        return new TemperatureProcessor((float) params.get("temperature").asDouble());
      case "top_k":
        return new TopKProcessor(params.get("top_k").asInt());
      case "top_p":
        return new TopPProcessor(params.get("top_p").asDouble());
      case "min_p":
        return new MinPProcessor(params.get("min_p").asDouble());
      case "typical_p":
        return new TypicalPProcessor(params.get("typical_p").asDouble());
      case "repetition_penalty":
        return new RepetitionPenaltyProcessor((float) params.get("repetition_penalty").asDouble(), SamplerSettings.WHOLE_HISTORY);
      case "no_repeat_ngram":
        return new NoRepeatNgramProcessor(params.get("no_repeat_ngram_size").asInt());
      default:
        fail("unknown processor in fixture: " + kind);
        return null;
    }
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
