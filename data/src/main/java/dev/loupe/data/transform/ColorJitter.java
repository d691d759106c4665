package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.List;

/**
 * torchvision's ColorJitter: draws a random order of the four adjustments (a permutation of
 * brightness, contrast, saturation, hue), then one factor per enabled adjustment, uniform in its range,
 * and applies them in that order. brightness b gives the range [max(0, 1 - b), 1 + b] (likewise
 * contrast and saturation), hue h gives [-h, h] with h <= 0.5; an adjustment whose range is the
 * single identity value is skipped. On grey images saturation and hue are no-ops (see {@link ColorAdjust}).
 */
public final class ColorJitter implements Transform {
    private final double[] brightness, contrast, saturation, hue; // {min, max} or null when off

    /** Symmetric strengths, as ColorJitter(brightness, contrast, saturation, hue). */
    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        this.brightness = around(brightness, "brightness");
        this.contrast = around(contrast, "contrast");
        this.saturation = around(saturation, "saturation");
        if (!(hue >= 0 && hue <= 0.5)) throw new IllegalArgumentException("hue jitter must be in [0, 0.5], got " + hue);
        this.hue = hue == 0 ? null : new double[] {-hue, hue};
    }

    /**
     * One draw of torchvision's get_params.
     *
     * @param order      the adjustments in application order: 0 brightness, 1 contrast, 2 saturation, 3 hue
     * @param brightness factor, NaN when brightness jitter is off (likewise the others)
     */
    public record Params(List<Integer> order, double brightness, double contrast, double saturation, double hue) {}

    @Override
    public Image apply(Image image, Rng rng) {
        return apply(image, params(rng));
    }

    /** The permutation first, then the factors of the enabled adjustments, as torchvision draws them. */
    public Params params(Rng rng) {
        List<Integer> order = permutation4(rng);
        return new Params(order, draw(brightness, rng), draw(contrast, rng), draw(saturation, rng), draw(hue, rng));
    }

    /** The adjustments of params in its order, skipping those that are off (NaN). */
    public static Image apply(Image image, Params params) {
        Image out = image;
        for (int op : params.order()) {
            out = switch (op) {
                case 0 -> Double.isNaN(params.brightness()) ? out : ColorAdjust.brightness(out, params.brightness());
                case 1 -> Double.isNaN(params.contrast()) ? out : ColorAdjust.contrast(out, params.contrast());
                case 2 -> Double.isNaN(params.saturation()) ? out : ColorAdjust.saturation(out, params.saturation());
                default -> Double.isNaN(params.hue()) ? out : ColorAdjust.hue(out, params.hue());
            };
        }
        return out;
    }

    private static double[] around(double strength, String name) {
        if (!(strength >= 0) || Double.isInfinite(strength)) {
            throw new IllegalArgumentException(name + " jitter must be a non-negative number, got " + strength);
        }
        return strength == 0 ? null : new double[] {Math.max(0, 1 - strength), 1 + strength};
    }

    private static double draw(double[] range, Rng rng) {
        return range == null ? Double.NaN : range[0] + (range[1] - range[0]) * rng.nextDouble();
    }

    /** A uniform random permutation of 0..3 (Fisher-Yates). */
    private static List<Integer> permutation4(Rng rng) {
        Integer[] p = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Integer t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return List.of(p);
    }
}
