package dev.persona4j.examples.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The training loss curve as CSV and as a PNG chart (drawn with java.awt, headless). */
final class LossCurve {
  private LossCurve() {}

  /** Mean loss of the last {@code n} records. */
  static float tailMean(List<DemoTrainer.StepRecord> records, int n) {
    int from = Math.max(0, records.size() - n);
    double sum = 0;
    for (int i = from; i < records.size(); i++) {
      sum += records.get(i).loss();
    }
    return records.isEmpty() ? Float.NaN : (float) (sum / (records.size() - from));
  }

  static void write(List<DemoTrainer.StepRecord> records, Path csv, Path png) {
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write("step,learning_rate,loss,tokens,seconds\n");
      for (DemoTrainer.StepRecord r : records) {
        out.write(String.format(Locale.ROOT, "%d,%.6g,%.5f,%d,%.2f%n", r.step(), r.learningRate(), r.loss(),
            r.tokens(), r.seconds()));
      }
    } catch (IOException e) {
      throw new CorpusException("cannot write " + csv + ": " + e.getMessage(), e);
    }
    String headless = System.getProperty("java.awt.headless");
    System.setProperty("java.awt.headless", "true");
    try {
      ImageIO.write(chart(records), "png", png.toFile());
    } catch (IOException e) {
      throw new CorpusException("cannot write " + png + ": " + e.getMessage(), e);
    } finally {
      if (headless == null) {
        System.clearProperty("java.awt.headless");
      }
    }
  }

  /** Raw loss per step in grey, a 25-step moving average in blue, on a linear scale. */
  static BufferedImage chart(List<DemoTrainer.StepRecord> records) {
    int w = 900;
    int h = 500;
    int left = 70;
    int right = 20;
    int top = 40;
    int bottom = 50;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    double max = 0;
    double min = Double.MAX_VALUE;
    for (DemoTrainer.StepRecord r : records) {
      max = Math.max(max, r.loss());
      min = Math.min(min, r.loss());
    }
    if (records.isEmpty()) {
      max = 1;
      min = 0;
    }
    double yMax = Math.ceil(max);
    double yMin = Math.max(0, Math.floor(min));
    int steps = Math.max(1, records.size());
    int plotW = w - left - right;
    int plotH = h - top - bottom;
    g.setColor(new Color(230, 230, 230));
    for (int i = 0; i <= 5; i++) {
      int y = top + plotH * i / 5;
      g.drawLine(left, y, w - right, y);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(left, top, plotW, plotH);
    for (int i = 0; i <= 5; i++) {
      int y = top + plotH * i / 5;
      double v = yMax - (yMax - yMin) * i / 5;
      g.drawString(String.format(Locale.ROOT, "%.1f", v), left - 40, y + 4);
      int x = left + plotW * i / 5;
      g.drawString(Integer.toString(steps * i / 5), x - 10, h - bottom + 18);
    }
    g.drawString("step", left + plotW / 2 - 10, h - 12);
    g.drawString("demo model: training loss on reply tokens (grey: per step, blue: 25-step mean)", left, 24);
    Path2D raw = new Path2D.Double();
    Path2D smooth = new Path2D.Double();
    double window = 0;
    for (int i = 0; i < records.size(); i++) {
      double x = left + plotW * (i + 1) / (double) steps;
      double y = top + plotH * (yMax - records.get(i).loss()) / (yMax - yMin);
      window += records.get(i).loss();
      if (i >= 25) {
        window -= records.get(i - 25).loss();
      }
      double mean = window / Math.min(i + 1, 25);
      double ys = top + plotH * (yMax - mean) / (yMax - yMin);
      if (i == 0) {
        raw.moveTo(x, y);
        smooth.moveTo(x, ys);
      } else {
        raw.lineTo(x, y);
        smooth.lineTo(x, ys);
      }
    }
    g.setColor(new Color(180, 180, 180));
    g.draw(raw);
    g.setColor(new Color(30, 90, 200));
    g.setStroke(new BasicStroke(2f));
    g.draw(smooth);
    g.dispose();
    return img;
  }
}
