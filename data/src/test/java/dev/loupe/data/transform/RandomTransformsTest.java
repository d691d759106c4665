package dev.loupe.data.transform;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random transforms: reproducible from the rng, parameters within their ranges, probabilities honoured. */
class RandomTransformsTest {

    static Image randomImage(int channels, int height, int width, long seed) {
        Rng rng = new Rng(seed);
        float[] p = new float[channels * height * width];
        for (int i = 0; i < p.length; i++) p[i] = rng.nextFloat();
        return new Image(channels, height, width, p);
    }

    @Test
    void sameSeedGivesSameOutputAndOtherSeedsDiffer() {
        Image img = randomImage(3, 40, 50, 1);
        Transform t = new Compose(
                new RandomResizedCrop(24),
                new RandomHorizontalFlip(),
                new RandomApply(0.8, new ColorJitter(0.4, 0.4, 0.2, 0.1)),
                new RandomGrayscale(0.2),
                new GaussianBlur(5),
                new RandomSolarize(0.2));
        Image a = t.apply(img, new Rng(42)), b = t.apply(img, new Rng(42));
        assertEquals(a, b);
        Set<Image> distinct = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) distinct.add(t.apply(img, new Rng(seed)));
        assertTrue(distinct.size() >= 9, "10 seeds gave only " + distinct.size() + " distinct outputs");
    }

    @Test
    void randomResizedCropBoxesStayInsideAndRespectScaleAndRatio() {
        int h = 37, w = 53;
        double area = h * w;
        for (double[] scale : new double[][] {{0.08, 1.0}, {0.3, 0.6}}) {
            Rng rng = new Rng(7);
            int fallbacks = 0;
            for (int i = 0; i < 5000; i++) {
                CropBox box = RandomResizedCrop.params(h, w, scale[0], scale[1], 3.0 / 4, 4.0 / 3, rng);
                assertTrue(
                        box.top() >= 0
                                && box.left() >= 0
                                && box.top() + box.height() <= h
                                && box.left() + box.width() <= w,
                        "box " + box + " leaves the " + h + "x" + w + " image");
                if (box.equals(new CropBox(0, 0, h, w)) && scale[1] < 1) {
                    fallbacks++;
                    continue;
                }
                // w = round(sqrt(T r)), h = round(sqrt(T / r)) for a target area T and ratio r, so
                // (w - 1/2)(h - 1/2) <= T <= (w + 1/2)(h + 1/2) and (w - 1/2)/(h + 1/2) <= r <= (w + 1/2)/(h - 1/2)
                double bw = box.width(), bh = box.height();
                assertTrue((bw - 0.5) * (bh - 0.5) <= scale[1] * area, "box " + box + " above scale " + scale[1]);
                assertTrue((bw + 0.5) * (bh + 0.5) >= scale[0] * area, "box " + box + " below scale " + scale[0]);
                assertTrue(
                        (bw - 0.5) / (bh + 0.5) <= 4.0 / 3 && (bw + 0.5) / (bh - 0.5) >= 3.0 / 4,
                        "box " + box + " outside the ratio range (3/4, 4/3)");
            }
            // 10 failed attempts in a row need a large area with an extreme ratio every time: rare
            assertTrue(fallbacks < 50, "fallback taken " + fallbacks + " of 5000 times");
        }
    }

    @Test
    void randomResizedCropFallsBackToCentreCropClippedToTheRatio() {
        // a 10 x 100 strip: no box with ratio <= 4/3 and >= 8% of the area fits, so every draw falls back
        CropBox box = RandomResizedCrop.params(10, 100, 0.5, 1.0, 3.0 / 4, 4.0 / 3, new Rng(3));
        assertEquals(new CropBox(0, 43, 10, 13), box, "h = 10, w = round(10 * 4/3) = 13, centred");
        Image out = new RandomResizedCrop(8, 0.5, 1.0, Interpolation.BICUBIC, true)
                .apply(randomImage(1, 10, 100, 2), new Rng(3));
        assertEquals(1, out.channels());
        assertEquals(8, out.height());
        assertEquals(8, out.width());
    }

    @Test
    void randomResizedCropScaleRangeShowsInTheMeanArea() {
        Rng rng = new Rng(11);
        double sum = 0;
        int n = 4000;
        for (int i = 0; i < n; i++)
            sum += RandomResizedCrop.params(200, 200, 0.2, 0.4, 3.0 / 4, 4.0 / 3, rng)
                    .area();
        // uniform scale in [0.2, 0.4]: mean area 0.3 of 40000 = 12000 (rounding noise is a few pixels)
        assertEquals(12000, sum / n, 200);
    }

    @Test
    void flipsHappenWithAboutProbabilityP() {
        Image img = randomImage(1, 2, 3, 5);
        Image flipped = HorizontalFlip.flip(img);
        assertEquals(img, HorizontalFlip.flip(flipped));
        for (double p : new double[] {0.0, 0.3, 1.0}) {
            RandomHorizontalFlip t = new RandomHorizontalFlip(p);
            Rng rng = new Rng(9);
            int n = 10000, count = 0;
            for (int i = 0; i < n; i++) if (t.apply(img, rng).equals(flipped)) count++;
            // binomial std of the fraction at p = 0.3: 0.0046, so 0.02 is ~4 sigma
            assertEquals(p, count / (double) n, 0.02, "flip frequency at p = " + p);
        }
    }

    @Test
    void randomApplyGrayscaleAndSolarizeHonourP() {
        Image img = randomImage(3, 4, 4, 6);
        Image grey3 = ColorAdjust.grayscale(img, 3);
        Image solar = Solarize.solarize(img, Solarize.PIL_THRESHOLD);
        Rng rng = new Rng(10);
        int n = 10000, applied = 0, greyed = 0, solarized = 0;
        RandomApply apply = new RandomApply(0.8, new HorizontalFlip());
        RandomGrayscale gray = new RandomGrayscale(0.2);
        RandomSolarize sol = new RandomSolarize(0.2);
        for (int i = 0; i < n; i++) {
            if (!apply.apply(img, rng).equals(img)) applied++;
            Image g = gray.apply(img, rng);
            assertEquals(3, g.channels(), "RandomGrayscale keeps the channel count");
            if (g.equals(grey3)) greyed++;
            if (sol.apply(img, rng).equals(solar)) solarized++;
        }
        assertEquals(0.8, applied / (double) n, 0.02);
        assertEquals(0.2, greyed / (double) n, 0.02);
        assertEquals(0.2, solarized / (double) n, 0.02);
    }

    @Test
    void colorJitterDrawsEveryOrderAndFactorsInRange() {
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.2, 0.1);
        Rng rng = new Rng(12);
        Map<List<Integer>, Integer> orders = new HashMap<>();
        int n = 4800;
        for (int i = 0; i < n; i++) {
            ColorJitter.Params p = jitter.params(rng);
            orders.merge(p.order(), 1, Integer::sum);
            assertTrue(p.brightness() >= 0.6 && p.brightness() <= 1.4, "brightness " + p.brightness());
            assertTrue(p.contrast() >= 0.6 && p.contrast() <= 1.4, "contrast " + p.contrast());
            assertTrue(p.saturation() >= 0.8 && p.saturation() <= 1.2, "saturation " + p.saturation());
            assertTrue(p.hue() >= -0.1 && p.hue() <= 0.1, "hue " + p.hue());
        }
        assertEquals(24, orders.size(), "all 24 orders of the four adjustments occur");
        // each order expected 200 times, binomial std ~14: 60 is over 4 sigma
        for (int count : orders.values()) assertEquals(200, count, 60);
        ColorJitter.Params off = new ColorJitter(0, 0.3, 0, 0).params(new Rng(1));
        assertTrue(Double.isNaN(off.brightness()) && Double.isNaN(off.saturation()) && Double.isNaN(off.hue()));
    }

    @Test
    void colorJitterAppliesItsDrawInTheDrawnOrder() {
        Image img = randomImage(3, 6, 7, 8);
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.4, 0.1);
        for (long seed = 0; seed < 20; seed++) {
            ColorJitter.Params p = jitter.params(new Rng(seed));
            Image expected = img;
            for (int op : p.order()) {
                expected = switch (op) {
                    case 0 -> ColorAdjust.brightness(expected, p.brightness());
                    case 1 -> ColorAdjust.contrast(expected, p.contrast());
                    case 2 -> ColorAdjust.saturation(expected, p.saturation());
                    default -> ColorAdjust.hue(expected, p.hue());
                };
            }
            assertEquals(expected, jitter.apply(img, new Rng(seed)), "seed " + seed);
        }
        // brightness then contrast differs from contrast then brightness once values clip
        Image bc = ColorAdjust.contrast(ColorAdjust.brightness(img, 1.4), 1.4);
        Image cb = ColorAdjust.brightness(ColorAdjust.contrast(img, 1.4), 1.4);
        assertNotEquals(bc, cb, "the order matters, so drawing it is observable");
    }

    @Test
    void randomCropPadsThenCropsInsideThePaddedImage() {
        Image img = randomImage(1, 28, 28, 13);
        RandomCrop crop = new RandomCrop(28, 4);
        Rng rng = new Rng(14);
        Set<Integer> shifts = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            Image out = crop.apply(img, rng);
            assertEquals(28, out.height());
            assertEquals(28, out.width());
            shifts.add(findShift(img, out));
        }
        assertEquals(81, shifts.size(), "every offset in [-4, 4] x [-4, 4] appears");
    }

    /** The (dy, dx) in [-4, 4]^2, coded dy * 9 + dx, with out(y, x) = img(y + dy, x + dx) where inside. */
    private static int findShift(Image img, Image out) {
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                if (matches(img, out, dy, dx)) return (dy + 4) * 9 + dx + 4;
            }
        }
        throw new AssertionError("output is no shifted copy of the input");
    }

    private static boolean matches(Image img, Image out, int dy, int dx) {
        for (int y = 0; y < out.height(); y++) {
            for (int x = 0; x < out.width(); x++) {
                int sy = y + dy, sx = x + dx;
                boolean inside = sy >= 0 && sy < img.height() && sx >= 0 && sx < img.width();
                if (out.get(0, y, x) != (inside ? img.get(0, sy, sx) : 0f)) return false;
            }
        }
        return true;
    }
}
