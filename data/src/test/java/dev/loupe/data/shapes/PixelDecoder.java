package dev.loupe.data.shapes;

import dev.loupe.data.Image;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the objects of a rendered shapes image back from its pixels alone, deterministically: the
 * background colour is the median of the border pixels; a pixel belongs to the palette colour it is
 * at least half made of (as an antialiased mix with the background), if any; each colour with enough pixels is one object, whose position is the
 * quadrant (or centre) nearest its mask's box centre, and whose shape and size are the (shape, size)
 * outline, placed at the same box centre, that overlaps the mask best (intersection over union).
 * Objects come back in reading order. It relies on objects having different colours (true of one-object
 * images and of BINDING).
 */
final class PixelDecoder {
    /** Fewer pixels of a palette colour than this are antialiasing or noise, not an object. */
    private static final int MIN_PIXELS = 12;
    /** Largest distance of a pixel from the background-to-colour line for it to count as that colour. */
    private static final double MAX_RESIDUAL = 0.1;

    /** What the decoder saw, and how well the best outline fitted (IoU) against the runner-up. */
    record Decoded(SceneLabels labels, double[] bestIou, double[] secondIou) {}

    private PixelDecoder() {}

    static Decoded decode(Image image) {
        int side = image.width();
        float[] bg = borderMedian(image);
        ShapeColour[] palette = ShapeColour.values();
        int[] owner = new int[side * side]; // -1 background, else palette index
        int[] pixels = new int[palette.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double best = MAX_RESIDUAL;
                int who = -1;
                for (int c = 0; c < palette.length; c++) {
                    double[] fit = blend(image, x, y, bg, rgb01(palette[c]));
                    if (fit[0] >= 0.5 && fit[1] < best) {
                        best = fit[1];
                        who = c;
                    }
                }
                owner[y * side + x] = who;
                if (who >= 0) pixels[who]++;
            }
        }
        List<SceneLabels.ObjectLabels> objects = new ArrayList<>();
        List<double[]> fits = new ArrayList<>();
        for (int c = 0; c < palette.length; c++) {
            if (pixels[c] < MIN_PIXELS) continue;
            boolean[] mask = new boolean[side * side];
            int x0 = side, y0 = side, x1 = -1, y1 = -1;
            for (int i = 0; i < mask.length; i++) {
                if (owner[i] != c) continue;
                mask[i] = true;
                x0 = Math.min(x0, i % side);
                x1 = Math.max(x1, i % side);
                y0 = Math.min(y0, i / side);
                y1 = Math.max(y1, i / side);
            }
            double cx = (x0 + x1 + 1) / 2.0, cy = (y0 + y1 + 1) / 2.0; // box centre in pixel units
            Position position = nearestPosition(cx / side, cy / side);
            double best = -1, second = -1;
            Shape bestShape = null;
            ShapeSize bestSize = null;
            for (Shape shape : Shape.values()) {
                for (ShapeSize size : ShapeSize.values()) {
                    double iou = iou(mask, side, shape, size.radius() * side, cx, cy);
                    if (iou > best) {
                        second = best;
                        best = iou;
                        bestShape = shape;
                        bestSize = size;
                    } else if (iou > second) {
                        second = iou;
                    }
                }
            }
            objects.add(new SceneLabels.ObjectLabels(bestShape, palette[c], bestSize, position));
            fits.add(new double[] {best, second});
        }
        Integer[] order = new Integer[objects.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparing(i -> objects.get(i).position()));
        List<SceneLabels.ObjectLabels> sorted =
                Arrays.stream(order).map(objects::get).toList();
        double[] bestIou = Arrays.stream(order).mapToDouble(i -> fits.get(i)[0]).toArray();
        double[] secondIou =
                Arrays.stream(order).mapToDouble(i -> fits.get(i)[1]).toArray();
        return new Decoded(new SceneLabels(sorted.size(), sorted), bestIou, secondIou);
    }

    /** IoU of mask with the outline of shape of radius r (px) whose bounding box is centred at (cx, cy). */
    private static double iou(boolean[] mask, int side, Shape shape, double r, double cx, double cy) {
        Rectangle2D box = ShapeRenderer.outline(shape, 0, 0, r).getBounds2D();
        java.awt.Shape outline = ShapeRenderer.outline(shape, cx - box.getCenterX(), cy - box.getCenterY(), r);
        int inter = 0, union = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean a = mask[y * side + x];
                boolean b = outline.contains(x + 0.5, y + 0.5);
                if (a && b) inter++;
                if (a || b) union++;
            }
        }
        return union == 0 ? 0 : (double) inter / union;
    }

    private static Position nearestPosition(double x, double y) {
        Position best = null;
        double bestD = Double.MAX_VALUE;
        for (Position p : Position.values()) {
            double d = (p.x() - x) * (p.x() - x) + (p.y() - y) * (p.y() - y);
            if (d < bestD) {
                bestD = d;
                best = p;
            }
        }
        return best;
    }

    private static float[] borderMedian(Image image) {
        int side = image.width();
        float[] out = new float[3];
        for (int c = 0; c < 3; c++) {
            float[] v = new float[4 * side - 4];
            int k = 0;
            for (int i = 0; i < side; i++) {
                v[k++] = image.get(c, 0, i);
                v[k++] = image.get(c, side - 1, i);
                if (i > 0 && i < side - 1) {
                    v[k++] = image.get(c, i, 0);
                    v[k++] = image.get(c, i, side - 1);
                }
            }
            Arrays.sort(v);
            out[c] = v[v.length / 2];
        }
        return out;
    }

    private static float[] rgb01(ShapeColour colour) {
        int[] rgb = colour.rgb();
        return new float[] {rgb[0] / 255f, rgb[1] / 255f, rgb[2] / 255f};
    }

    /**
     * Pixel (x, y) as an antialiased mix bg + a (colour - bg): {a, distance of the pixel from that mix}.
     * A pixel at least half covered by an object of colour has a >= 0.5 and a small distance.
     */
    private static double[] blend(Image image, int x, int y, float[] bg, float[] colour) {
        double dot = 0, norm = 0;
        for (int c = 0; c < 3; c++) {
            double e = colour[c] - bg[c];
            dot += (image.get(c, y, x) - bg[c]) * e;
            norm += e * e;
        }
        double a = dot / norm, residual = 0;
        for (int c = 0; c < 3; c++) {
            double e = image.get(c, y, x) - (bg[c] + a * (colour[c] - bg[c]));
            residual += e * e;
        }
        return new double[] {a, Math.sqrt(residual)};
    }
}
