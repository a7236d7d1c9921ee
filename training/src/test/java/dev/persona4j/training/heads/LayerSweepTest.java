package dev.persona4j.training.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.persona4j.core.heads.Pooling;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerSweepTest {

  @Test
  void sweepFindsTheLayersThatCarryTheSignal() throws Exception {
    // Layer 0 holds only noise; layers 2 and 4 carry the class direction.
    SyntheticActivations data = new SyntheticActivations(24, 0.8, 11).draw(240, 5);
    LayerSweep sweep = LayerSweep.run(data.examples, data.labelArray(), Pooling.MEAN,
        TrainingOptions.builder().maxEpochs(40).patience(6).seed(1).build());
    System.out.print(sweep.toTable());
    List<LayerSweep.LayerScore> scores = sweep.scores();
    assertEquals(3, scores.size());
    assertEquals(0, scores.get(0).layer());
    assertTrue(scores.get(0).heldOutAuc() < 0.75, "noise layer AUC " + scores.get(0).heldOutAuc());
    assertTrue(scores.get(0).heldOutAccuracy() < 0.75, "noise layer accuracy " + scores.get(0).heldOutAccuracy());
    for (int i = 1; i < 3; i++) {
      assertTrue(scores.get(i).heldOutAccuracy() > 0.95, "layer " + scores.get(i).layer() + ": " + scores.get(i));
      assertTrue(scores.get(i).heldOutAuc() > 0.98, "layer " + scores.get(i).layer() + ": " + scores.get(i));
    }
    assertTrue(sweep.best().layer() == 2 || sweep.best().layer() == 4);

    String table = sweep.toTable();
    assertEquals(4, table.lines().count());
    assertTrue(table.lines().filter(l -> l.endsWith("*")).count() == 1);

    JsonNode json = new ObjectMapper().readTree(sweep.toJson());
    assertEquals("MEAN", json.get("pooling").asText());
    assertEquals(240, json.get("examples").asInt());
    assertEquals(sweep.best().layer(), json.get("best_layer").asInt());
    assertEquals(3, json.get("layers").size());
    assertEquals(scores.get(1).heldOutAuc(), json.get("layers").get(1).get("auc").asDouble(), 1e-6);
  }
}
