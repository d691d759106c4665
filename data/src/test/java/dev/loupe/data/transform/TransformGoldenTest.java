package dev.loupe.data.transform;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deterministic transforms against torchvision 0.14's tensor functions, fixture written by
 * tools/golden/make_transform_fixtures.py (Debian python3-torch 1.13, torchvision 0.14).
 *
 * <p>Tolerances, relative to each tensor's largest value (about 1 here):
 * <ul>
 *   <li>{@link #EXACT_ISH} 1e-6 for elementwise ops (flip, crop, normalize, luma, solarize, blends):
 *       the same float32 operations in the same order, at most an ulp from a different exp or mean
 *       summation order;</li>
 *   <li>{@link #RESAMPLE} 2e-6 for resize and blur: torch computes source coordinates, filter weights and
 *       the weighted sums in float32, we in double (differences seen: below 8e-7);</li>
 *   <li>hue uses {@link #EXACT_ISH} too: the hsv round trip is replayed in float32 op by op.</li>
 * </ul>
 */
class TransformGoldenTest {
    private static final double EXACT_ISH = 1e-6;
    private static final double RESAMPLE = 2e-6;
    private static final Rng UNUSED = new Rng(0);
    private static Map<String, Tensor> golden;
    private static Image rgb, grey;

    @BeforeAll
    static void load() throws Exception {
        golden = SafeTensors.read(Path.of(TransformGoldenTest.class
                .getResource("/golden/transforms.safetensors")
                .toURI()));
        rgb = Image.of(golden.get("in.rgb"));
        grey = Image.of(golden.get("in.grey"));
    }

    private static void check(String key, Image actual, double rtol) {
        Tensor expected = golden.get(key);
        if (expected == null) throw new AssertionError("fixture has no " + key);
        assertCloseToScale(key, expected, actual.toTensor(), rtol);
    }

    @Test
    void resizeMatchesTorchvisionForBothFiltersWithAndWithoutAntialias() {
        int cases = 0;
        for (Interpolation mode : Interpolation.values()) {
            for (boolean aa : new boolean[] {false, true}) {
                String prefix = "resize." + mode.name().toLowerCase() + (aa ? "_aa" : "") + ".";
                check(prefix + "down", Resize.resize(rgb, 5, 7, mode, aa), RESAMPLE);
                check(prefix + "up", Resize.resize(rgb, 17, 23, mode, aa), RESAMPLE);
                check(prefix + "mixed", Resize.resize(rgb, 6, 29, mode, aa), RESAMPLE);
                check(prefix + "grey", Resize.resize(grey, 13, 5, mode, aa), RESAMPLE);
                check(prefix + "short", new Resize(8, mode, aa).apply(rgb, UNUSED), RESAMPLE);
                cases += 5;
            }
        }
        assertEquals(20, cases);
    }

    @Test
    void shorterSideSizeTruncatesTheLongerSideAsTorchvision() {
        assertEquals(10, Resize.shorterSideSize(11, 14, 8)[1], "int(8 * 14 / 11) = int(10.18)");
        assertEquals(8, Resize.shorterSideSize(11, 14, 8)[0]);
        int[] portrait = Resize.shorterSideSize(30, 20, 10);
        assertEquals(15, portrait[0]);
        assertEquals(10, portrait[1]);
        assertSame(rgb, new Resize(11).apply(rgb, UNUSED), "an image already of the target size is returned as is");
    }

    @Test
    void cropsMatchTorchvision() {
        check("center_crop.rgb", new CenterCrop(7, 9).apply(rgb, UNUSED), EXACT_ISH);
        check("center_crop.grey", new CenterCrop(4, 5).apply(grey, UNUSED), EXACT_ISH);
        CropBox box = new CropBox(2, 3, 7, 9);
        check("resized_crop.bilinear", Crop.resizedCrop(rgb, box, 6, 6, Interpolation.BILINEAR, false), RESAMPLE);
        check("resized_crop.bicubic", Crop.resizedCrop(rgb, box, 6, 6, Interpolation.BICUBIC, false), RESAMPLE);
    }

    @Test
    void flipNormalizeGrayscaleSolarizeMatchTorchvision() {
        check("hflip.rgb", new HorizontalFlip().apply(rgb, UNUSED), EXACT_ISH);
        check("hflip.grey", HorizontalFlip.flip(grey), EXACT_ISH);
        Normalize imagenet = new Normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        check("normalize.rgb", imagenet.apply(rgb, UNUSED), EXACT_ISH);
        check(
                "normalize.grey",
                new Normalize(new float[] {0.2860f}, new float[] {0.3530f}).apply(grey, UNUSED),
                EXACT_ISH);
        check("grayscale.rgb1", new Grayscale(1).apply(rgb, UNUSED), EXACT_ISH);
        check("grayscale.rgb3", new Grayscale(3).apply(rgb, UNUSED), EXACT_ISH);
        check("solarize.rgb", new Solarize(0.5).apply(rgb, UNUSED), EXACT_ISH);
        check("solarize.grey", Solarize.solarize(grey, 0.5f), EXACT_ISH);
    }

    @Test
    void gaussianBlurMatchesTorchvision() {
        check("blur.rgb", GaussianBlur.blur(rgb, 5, 3, 1.2, 0.7), RESAMPLE);
        check("blur.grey", GaussianBlur.blur(grey, 3, 3, 0.5, 0.5), RESAMPLE);
        check("blur.grey", new GaussianBlur(3, 0.5, 0.5).apply(grey, new Rng(4)), RESAMPLE);
    }

    @Test
    void colourAdjustmentsMatchTorchvision() {
        for (double f : new double[] {0.6, 1.3}) {
            checkBoth("brightness." + key(f), img -> ColorAdjust.brightness(img, f));
        }
        for (double f : new double[] {0.5, 1.7}) {
            checkBoth("contrast." + key(f), img -> ColorAdjust.contrast(img, f));
        }
        for (double f : new double[] {0.3, 1.6}) {
            check("saturation." + key(f) + ".rgb", ColorAdjust.saturation(rgb, f), EXACT_ISH);
        }
        for (double f : new double[] {0.1, -0.35, 0.5}) {
            check("hue." + key(f) + ".rgb", ColorAdjust.hue(rgb, f), EXACT_ISH);
        }
    }

    @Test
    void saturationAndHueLeaveGreyImagesAsTorchvisionDoes() {
        assertSame(grey, ColorAdjust.saturation(grey, 0.2));
        assertSame(grey, ColorAdjust.hue(grey, 0.3));
        assertEquals(grey, new RandomGrayscale(1.0).apply(grey, new Rng(1)));
    }

    private static void checkBoth(String prefix, UnaryOperator<Image> op) {
        check(prefix + ".rgb", op.apply(rgb), EXACT_ISH);
        check(prefix + ".grey", op.apply(grey), EXACT_ISH);
    }

    /** The fixture script's factor naming: 0.6 -> 0p6, -0.35 -> m0p35. */
    private static String key(double f) {
        return Double.toString(f).replace("-", "m").replace(".", "p");
    }
}
