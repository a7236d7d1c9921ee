package dev.persona4j.examples;

import dev.persona4j.Persona4jException;
import dev.persona4j.core.heads.Pooling;
import dev.persona4j.training.heads.LayerSweep;
import dev.persona4j.training.heads.LayerSweep.LayerScore;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * The layer sweep as a PNG line chart: presentation, so it lives with the command line, not in the
 * library. Drawn into an image, it never needs a display.
 */
final class LayerSweepChart {
  private LayerSweepChart() {}

  /** A line chart of held-out accuracy and AUC per layer. */
  static BufferedImage draw(LayerSweep result, int width, int height) {
    List<LayerScore> scores = result.scores();
    Pooling pooling = result.pooling();
    int examples = result.examples();
    if (width < 200 || height < 150) {
      throw new IllegalArgumentException("chart size " + width + "x" + height + " is below 200x150");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      int left = 56;
      int right = width - 20;
      int top = 36;
      int bottom = height - 44;

      double low = 1;
      for (LayerScore s : scores) {
        low = Math.min(low, Math.min(nanOr(s.heldOutAccuracy(), 1), nanOr(s.heldOutAuc(), 1)));
      }
      double yMin = Math.min(0.5, Math.floor(low * 10) / 10);
      double yMax = 1.0;

      g.setColor(Color.BLACK);
      String title = String.format(Locale.ROOT, "Layer sweep: linear probe (%s pooling), %d examples", pooling, examples);
      g.drawString(title, (width - fm.stringWidth(title)) / 2, 20);

      // Grid and y labels.
      for (int i = 0; i <= 5; i++) {
        double v = yMin + (yMax - yMin) * i / 5;
        int y = yOf(v, yMin, yMax, top, bottom);
        g.setColor(new Color(225, 225, 225));
        g.drawLine(left, y, right, y);
        g.setColor(Color.DARK_GRAY);
        String label = String.format(Locale.ROOT, "%.2f", v);
        g.drawString(label, left - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
      }
      g.setColor(Color.BLACK);
      g.drawLine(left, top, left, bottom);
      g.drawLine(left, bottom, right, bottom);

      int n = scores.size();
      int[] xs = new int[n];
      for (int i = 0; i < n; i++) {
        xs[i] = n == 1 ? (left + right) / 2 : left + 16 + (int) Math.round((right - left - 32) * i / (double) (n - 1));
        String label = Integer.toString(scores.get(i).layer());
        g.drawString(label, xs[i] - fm.stringWidth(label) / 2, bottom + fm.getAscent() + 4);
      }
      String xLabel = "layer (hidden-state index)";
      g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, height - 8);

      int bestIndex = scores.indexOf(result.best());
      g.setColor(new Color(160, 160, 160));
      g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
      g.drawLine(xs[bestIndex], top, xs[bestIndex], bottom);

      Color accuracyColor = new Color(31, 119, 180);
      Color aucColor = new Color(255, 127, 14);
      drawSeries(g, xs, scores.stream().mapToDouble(LayerScore::heldOutAccuracy).toArray(), yMin, yMax, top, bottom,
          accuracyColor);
      drawSeries(g, xs, scores.stream().mapToDouble(LayerScore::heldOutAuc).toArray(), yMin, yMax, top, bottom, aucColor);

      int lx = right - 150;
      int ly = top + 6;
      g.setStroke(new BasicStroke(2f));
      g.setColor(accuracyColor);
      g.drawLine(lx, ly + 6, lx + 18, ly + 6);
      g.setColor(Color.BLACK);
      g.drawString("held-out accuracy", lx + 24, ly + 10);
      g.setColor(aucColor);
      g.drawLine(lx, ly + 24, lx + 18, ly + 24);
      g.setColor(Color.BLACK);
      g.drawString("held-out AUC", lx + 24, ly + 28);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Writes {@link #draw} as a PNG file. */
  static void write(LayerSweep result, Path png, int width, int height) {
    Objects.requireNonNull(png, "png");
    BufferedImage image = draw(result, width, height);
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new Persona4jException("no PNG writer available to write " + png);
      }
    } catch (IOException e) {
      throw new Persona4jException("cannot write layer sweep chart " + png + ": " + e.getMessage(), e);
    }
  }

  private static void drawSeries(Graphics2D g, int[] xs, double[] values, double yMin, double yMax, int top, int bottom,
      Color color) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (int i = 0; i < xs.length; i++) {
      if (Double.isNaN(values[i])) {
        px = -1;
        continue;
      }
      int y = yOf(values[i], yMin, yMax, top, bottom);
      if (px >= 0) {
        g.drawLine(px, py, xs[i], y);
      }
      g.fillOval(xs[i] - 4, y - 4, 8, 8);
      px = xs[i];
      py = y;
    }
  }

  private static int yOf(double v, double yMin, double yMax, int top, int bottom) {
    double clamped = Math.max(yMin, Math.min(yMax, v));
    return bottom - (int) Math.round((clamped - yMin) / (yMax - yMin) * (bottom - top));
  }

  private static double nanOr(double v, double fallback) {
    return Double.isNaN(v) ? fallback : v;
  }
}
