package dev.loupe.eval.report;

import dev.loupe.tensor.io.AtomicFile;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Draws a {@link ConfusionMatrix} as a PNG heat map with Java2D: rows are true classes, columns
 * predictions, each cell shaded by its share of the row (white = 0, dark blue = 1) and labelled
 * with its count; class names on both axes (column names rotated). Works without a display: the
 * class sets java.awt.headless=true unless the property was set already.
 */
public final class ConfusionMatrixPlot {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final int CELL = 44, MARGIN = 16, TITLE = 36;
    private static final Color HIGH = new Color(8, 48, 107);

    private ConfusionMatrixPlot() {}

    /** Renders the heat map. */
    public static BufferedImage render(ConfusionMatrix m, String title) {
        int k = m.numClasses();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        int label = 0;
        for (String name : m.classNames()) label = Math.max(label, fm.stringWidth(name));
        pg.dispose();
        int left = MARGIN + label + 8 + fm.getHeight(), top = TITLE + label + 8 + fm.getHeight();
        int width = left + k * CELL + MARGIN, height = top + k * CELL + MARGIN;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(font.deriveFont(Font.BOLD, 14f));
            g.setColor(Color.BLACK);
            g.drawString(title + String.format(Locale.ROOT, "  (accuracy %.2f%%)", 100 * m.accuracy()), MARGIN, 24);
            g.setFont(font);
            g.drawString("true \u2193 / predicted \u2192", MARGIN, top - 6);
            for (int t = 0; t < k; t++) {
                long total = m.rowTotal(t);
                for (int p = 0; p < k; p++) {
                    double share = total == 0 ? 0 : (double) m.counts()[t][p] / total;
                    int x = left + p * CELL, y = top + t * CELL;
                    g.setColor(shade(share));
                    g.fillRect(x, y, CELL, CELL);
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    String count = Long.toString(m.counts()[t][p]);
                    g.drawString(count, x + (CELL - fm.stringWidth(count)) / 2, y + (CELL + fm.getAscent()) / 2 - 2);
                }
                g.setColor(Color.BLACK);
                String name = m.classNames().get(t);
                g.drawString(name, left - 8 - fm.stringWidth(name), top + t * CELL + (CELL + fm.getAscent()) / 2 - 2);
            }
            AffineTransform saved = g.getTransform();
            for (int p = 0; p < k; p++) {
                String name = m.classNames().get(p);
                g.setTransform(saved);
                g.translate(left + p * CELL + (CELL + fm.getAscent()) / 2 - 2, top - 8 - fm.getHeight());
                g.rotate(-Math.PI / 2);
                g.drawString(name, 0, 0);
            }
            g.setTransform(saved);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawRect(left, top, k * CELL, k * CELL);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Renders and writes a PNG atomically (parent folders are created). */
    public static void write(ConfusionMatrix m, String title, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        BufferedImage img = render(m, title);
        AtomicFile.writeStream(png, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer available for " + png);
        });
    }

    /** White at 0 to dark blue at 1. */
    private static Color shade(double share) {
        double s = Math.max(0, Math.min(1, share));
        return new Color((int) Math.round(255 + (HIGH.getRed() - 255) * s), (int) Math.round(255 + (HIGH.getGreen() - 255) * s),
                (int) Math.round(255 + (HIGH.getBlue() - 255) * s));
    }
}
