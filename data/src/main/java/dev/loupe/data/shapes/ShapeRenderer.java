package dev.loupe.data.shapes;

import dev.loupe.data.Image;
import dev.loupe.data.decode.BufferedImages;
import dev.loupe.tensor.Rng;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Rasterises a {@link Scene} with Java2D, antialiased, into an 8-bit RGB image (so values are
 * multiples of 1/255, as a decoded file's are): background colour plus Gaussian noise (sd
 * {@value #NOISE_SD}) per pixel and channel, then the objects in order.
 */
final class ShapeRenderer {
    static final double NOISE_SD = 0.04;

    private ShapeRenderer() {}

    static Image render(Scene scene, int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        paintBackground(img, scene);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            for (SceneObject o : scene.objects()) {
                int[] rgb = o.colour().rgb();
                g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
                double cx = (o.position().x() + o.jitterX()) * side;
                double cy = (o.position().y() + o.jitterY()) * side;
                g.fill(outline(o.shape(), cx, cy, o.size().radius() * side));
            }
        } finally {
            g.dispose();
        }
        return BufferedImages.toImage(img);
    }

    /** Writes the noisy background straight into the image's packed 0xRRGGBB ints, row by row. */
    private static void paintBackground(BufferedImage img, Scene scene) {
        Rng noise = new Rng(scene.noiseSeed());
        double[] base = scene.background();
        int[] packed = ((DataBufferInt) img.getRaster().getDataBuffer()).getData(); // [side * side]
        for (int p = 0; p < packed.length; p++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                double v = base[c] + NOISE_SD * noise.nextGaussian();
                rgb = rgb << 8 | (int) Math.round(255 * Math.clamp(v, 0.0, 1.0));
            }
            packed[p] = rgb;
        }
    }

    /** The shape centred at (cx, cy) inside a circle of radius r, in pixel units. */
    static java.awt.Shape outline(Shape shape, double cx, double cy, double r) {
        return switch (shape) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE -> new Rectangle2D.Double(cx - 0.8 * r, cy - 0.8 * r, 1.6 * r, 1.6 * r);
            case TRIANGLE -> polygon(cx, cy, r, r, 3);
            case STAR -> polygon(cx, cy, r, 0.45 * r, 5);
            case DIAMOND -> polygon(cx, cy, r, 0.75 * r, 2);
            case CROSS -> cross(cx, cy, r, 0.3 * r);
        };
    }

    /**
     * A polygon of `points` tips pointing up: tips at radius outer; between tips a vertex at radius
     * inner (a star), or no vertex when inner == outer (a regular polygon). DIAMOND uses 2 tips with
     * side vertices at 0.75 r, a rhombus taller than wide.
     */
    private static Path2D polygon(double cx, double cy, double outer, double inner, int points) {
        Path2D.Double p = new Path2D.Double();
        int vertices = inner == outer ? points : 2 * points;
        for (int i = 0; i < vertices; i++) {
            double angle = -Math.PI / 2 + 2 * Math.PI * i / vertices;
            double radius = (inner == outer || i % 2 == 0) ? outer : inner;
            double x = cx + radius * Math.cos(angle);
            double y = cy + radius * Math.sin(angle);
            if (i == 0) p.moveTo(x, y);
            else p.lineTo(x, y);
        }
        p.closePath();
        return p;
    }

    /** A plus sign: two bars of half-width w reaching r from the centre. */
    private static Path2D cross(double cx, double cy, double r, double w) {
        Path2D.Double p = new Path2D.Double(Path2D.WIND_NON_ZERO);
        p.append(new Rectangle2D.Double(cx - r, cy - w, 2 * r, 2 * w), false);
        p.append(new Rectangle2D.Double(cx - w, cy - r, 2 * w, 2 * r), false);
        return p;
    }
}
