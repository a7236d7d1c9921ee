package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.heads.Pooling;
import dev.persona4j.training.heads.LayerSweep;
import dev.persona4j.training.heads.LayerSweep.LayerScore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerSweepChartTest {
  @Test
  void drawsBothSeriesIntoAPngOfTheAskedSize(@TempDir Path dir) throws Exception {
    LayerSweep sweep = new LayerSweep(Pooling.MEAN, 240, List.of(new LayerScore(0, 0.55, 0.6, 0.24, 3),
        new LayerScore(2, 0.97, 0.99, 0.03, 12), new LayerScore(4, 0.96, 0.98, 0.04, 11)));
    Path png = dir.resolve("charts/sweep.png");
    LayerSweepChart.write(sweep, png, 640, 400);
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
