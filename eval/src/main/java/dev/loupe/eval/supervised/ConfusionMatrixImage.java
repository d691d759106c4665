package dev.loupe.eval.supervised;

import dev.loupe.tensor.io.AtomicFile;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Renders a {@link ConfusionMatrix} as a PNG heat map (Java2D): cell shade = the row-normalised
 * fraction (recall for the diagonal), with the count written in each cell; true classes down the
 * left, predicted classes along the top.
 */
public final class ConfusionMatrixImage {
    private static final int CELL = 56, LABEL = 120, MARGIN = 24;

    private ConfusionMatrixImage() {}

    public static BufferedImage render(ConfusionMatrix m) {
        int k = m.numClasses();
        int size = LABEL + k * CELL + MARGIN;
        BufferedImage img = new BufferedImage(size, size + MARGIN, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            long[][] c = m.counts();
            g.setColor(Color.BLACK);
            g.drawString("true \\ predicted (accuracy " + String.format(java.util.Locale.ROOT, "%.4f", m.accuracy()) + ")", 4, 14);
            for (int t = 0; t < k; t++) {
                long row = 0;
                for (long v : c[t]) row += v;
                for (int p = 0; p < k; p++) {
                    double frac = row == 0 ? 0 : (double) c[t][p] / row;
                    int x = LABEL + p * CELL, y = LABEL + t * CELL;
                    int shade = (int) Math.round(255 * (1 - frac));
                    g.setColor(new Color(shade, shade, 255));
                    g.fillRect(x, y, CELL, CELL);
                    g.setColor(Color.LIGHT_GRAY);
                    g.drawRect(x, y, CELL, CELL);
                    g.setColor(frac > 0.5 ? Color.WHITE : Color.BLACK);
                    String s = Long.toString(c[t][p]);
                    g.drawString(s, x + (CELL - fm.stringWidth(s)) / 2, y + (CELL + fm.getAscent()) / 2 - 2);
                }
                g.setColor(Color.BLACK);
                g.drawString(clip(m.classNames().get(t), fm, LABEL - 8), 4, LABEL + t * CELL + (CELL + fm.getAscent()) / 2 - 2);
            }
            // predicted class names, rotated, above the columns
            for (int p = 0; p < k; p++) {
                Graphics2D r = (Graphics2D) g.create();
                r.translate(LABEL + p * CELL + (CELL + fm.getAscent()) / 2 - 2, LABEL - 6);
                r.rotate(-Math.PI / 2);
                r.setColor(Color.BLACK);
                r.drawString(clip(m.classNames().get(p), fm, LABEL - 30), 0, 0);
                r.dispose();
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static String clip(String s, FontMetrics fm, int width) {
        String out = s;
        while (out.length() > 1 && fm.stringWidth(out) > width) out = out.substring(0, out.length() - 1);
        return out;
    }

    /** Writes the rendering to {@code file} atomically. */
    public static void writePng(ConfusionMatrix m, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(render(m), "png", bytes)) throw new IOException("no PNG writer available for " + file);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes.toByteArray())));
    }
}
