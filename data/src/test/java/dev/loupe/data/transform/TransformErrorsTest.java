package dev.loupe.data.transform;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad parameters and unsuitable images fail with messages naming the offending value. */
class TransformErrorsTest {
    private static final Image RGB = Image.zeros(3, 8, 10);
    private static final Image TWO_CHANNELS = Image.zeros(2, 8, 10);

    private static void fails(String mustMention, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(
                ex.getMessage().contains(mustMention),
                "message '" + ex.getMessage() + "' should mention " + mustMention);
    }

    @Test
    void badProbabilitiesAndRanges() {
        fails("-0.1", () -> new RandomHorizontalFlip(-0.1));
        fails("1.5", () -> new RandomApply(1.5, new HorizontalFlip()));
        fails("NaN", () -> new RandomGrayscale(Double.NaN));
        fails("(0.9, 0.2)", () -> new RandomResizedCrop(8, 0.9, 0.2, Interpolation.BILINEAR, false));
        fails("(0.0, 1.0)", () -> new RandomResizedCrop(8, 0.1, 1, 0.0, 1.0, Interpolation.BILINEAR, false));
        fails("-0.4", () -> new ColorJitter(-0.4, 0, 0, 0));
        fails("0.6", () -> new ColorJitter(0, 0, 0, 0.6));
        fails("4", () -> new GaussianBlur(4));
        fails("(0.0, 2.0)", () -> new GaussianBlur(3, 0.0, 2.0));
        fails("-1", () -> new CenterCrop(-1));
        fails("std", () -> new Normalize(new float[] {0.5f}, new float[] {0f}));
        fails("mean", () -> new Normalize(new float[] {0.5f, 0.5f}, new float[] {0.5f}));
        fails("hue_factor (0.7)", () -> ColorAdjust.hue(RGB, 0.7));
        fails("brightness_factor (-1.0)", () -> ColorAdjust.brightness(RGB, -1));
        fails("view crop scale", () -> RecipeConfig.of(8, new float[] {0}, new float[] {1})
                .withViewScale(0.5, 0.2));
        fails(
                "2.6",
                () -> TwoViews.simclr(
                        8,
                        new double[] {0.08, 1.0},
                        2.6,
                        new double[] {0.1, 2.0},
                        new Normalize(new float[] {0}, new float[] {1}),
                        false));
    }

    @Test
    void cropsLargerThanTheImage() {
        fails("9x11", () -> new CenterCrop(9, 11).apply(RGB, new Rng(0)));
        fails("CropBox[top=0, left=5, height=4, width=6]", () -> Crop.crop(RGB, new CropBox(0, 5, 4, 6)));
        fails("12x12", () -> new RandomCrop(12, 0).apply(RGB, new Rng(0)));
        fails("reflect padding", () -> GaussianBlur.blur(Image.zeros(1, 3, 3), 9, 9, 1, 1));
    }

    @Test
    void wrongChannelCounts() {
        fails("2x8x10", () -> ColorAdjust.saturation(TWO_CHANNELS, 0.5));
        fails("2x8x10", () -> new Grayscale(1).apply(TWO_CHANNELS, new Rng(0)));
        fails("2x8x10", () -> Solarize.solarize(TWO_CHANNELS, 0.5f));
        fails("3 channel means", () -> new Normalize(new float[] {0, 0, 0}, new float[] {1, 1, 1})
                .apply(Image.zeros(1, 2, 2), new Rng(0)));
        fails(
                "unknown augmentation recipe 'byol'",
                () -> Recipes.named("byol", RecipeConfig.of(8, new float[] {0}, new float[] {1})));
    }
}
