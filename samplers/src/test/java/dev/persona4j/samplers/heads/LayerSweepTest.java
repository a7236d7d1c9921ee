package dev.persona4j.samplers.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerSweepTest {

  @Test
  void sweepFindsTheLayersThatCarryTheSignal(@TempDir Path dir) throws Exception {
    // Layer 0 holds only noise; layers 2 and 4 carry the class direction.
    SyntheticActivations data = new SyntheticActivations(24, 0.8, 11).draw(240, 5);
    LayerSweepResult sweep = LayerSweep.run(data.examples, data.labelArray(), Pooling.MEAN,
        TrainingOptions.builder().maxEpochs(40).patience(6).seed(1).build());
    System.out.print(sweep.toTable());
    List<LayerSweepResult.LayerScore> scores = sweep.scores();
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

    Path png = dir.resolve("charts/sweep.png");
    sweep.writeChart(png, 640, 400);
    assertTrue(Files.size(png) > 1000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(640, image.getWidth());
    assertEquals(400, image.getHeight());
    int accuracyBlue = 0;
    int aucOrange = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if (rgb == 0x1f77b4) {
          accuracyBlue++;
        } else if (rgb == 0xff7f0e) {
          aucOrange++;
        }
      }
    }
    assertTrue(accuracyBlue > 50 && aucOrange > 50, "both series drawn: " + accuracyBlue + ", " + aucOrange);
  }
}
