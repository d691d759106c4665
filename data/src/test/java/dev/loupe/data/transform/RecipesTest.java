package dev.loupe.data.transform;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The named recipes make the right number of views of the right sizes, reproducibly. */
class RecipesTest {
    private static final float[] FMNIST_MEAN = {0.2860f}, FMNIST_STD = {0.3530f};

    @Test
    void multiCropGivesTwoGlobalAndMLocalViews() {
        RecipeConfig config = RecipeConfig.of(28, FMNIST_MEAN, FMNIST_STD).withLocal(12, 6);
        MultiCrop dino = Recipes.dino(config);
        assertEquals(8, dino.viewCount());
        Image img = RandomTransformsTest.randomImage(1, 28, 28, 1);
        List<Image> views = dino.apply(img, new Rng(3));
        assertEquals(8, views.size());
        for (int i = 0; i < views.size(); i++) {
            int side = i < 2 ? 28 : 12;
            Image v = views.get(i);
            assertEquals(1, v.channels(), "view " + i);
            assertEquals(side, v.height(), "view " + i);
            assertEquals(side, v.width(), "view " + i);
        }
        assertEquals(views, dino.apply(img, new Rng(3)), "same rng seed, same views");
        assertNotEquals(views.get(2), views.get(3), "local crops are independent draws");
    }

    @Test
    void multiCropOnRgbAtImageNetLikeSizesKeepsThreeChannels() {
        RecipeConfig config =
                RecipeConfig.of(32, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        assertEquals(14, config.localSize(), "round(32 * 96 / 224)");
        List<Image> views =
                Recipes.named("dino", config).apply(RandomTransformsTest.randomImage(3, 40, 48, 2), new Rng(4));
        assertEquals(10, views.size());
        for (Image v : views) assertEquals(3, v.channels());
        assertEquals(32, views.get(1).width());
        assertEquals(14, views.get(9).width());
    }

    @Test
    void slipIsTheClipViewThenTheTwoSimclrViewsFromOneGenerator() {
        RecipeConfig config = RecipeConfig.of(28, FMNIST_MEAN, FMNIST_STD);
        Image img = RandomTransformsTest.randomImage(1, 28, 28, 7);
        List<Image> views = Recipes.slip(config).apply(img, new Rng(8));
        Rng rng = new Rng(8);
        List<Image> clip = Recipes.clip(config).apply(img, rng);
        List<Image> simclr = Recipes.simclr(config).apply(img, rng);
        assertEquals(3, views.size());
        assertEquals(clip.getFirst(), views.get(0));
        assertEquals(simclr, views.subList(1, 3));
    }

    @Test
    void everyNamedRecipeMakesItsViews() {
        RecipeConfig config =
                RecipeConfig.of(28, FMNIST_MEAN, FMNIST_STD).withLocal(12, 4).withEvalCropRatio(1.0);
        Image img = RandomTransformsTest.randomImage(1, 28, 28, 5);
        for (String name : Recipes.NAMES) {
            List<Image> views = Recipes.named(name, config).apply(img, new Rng(6));
            assertEquals(Recipes.viewCount(name, config), views.size(), name);
            assertEquals(28, views.get(0).height(), name);
            assertEquals(28, views.get(0).width(), name);
        }
    }

    @Test
    void evalIsDeterministicResizeCentreCropAndNormalize() {
        RecipeConfig config = RecipeConfig.of(28, FMNIST_MEAN, FMNIST_STD).withEvalCropRatio(1.0);
        Image img = RandomTransformsTest.randomImage(1, 28, 28, 7);
        Image out = Recipes.eval(config).apply(img, new Rng(1)).get(0);
        assertEquals(out, Recipes.eval(config).apply(img, new Rng(2)).get(0), "eval draws nothing");
        for (int i = 0; i < img.pixels().length; i++) {
            assertEquals(
                    (img.pixels()[i] - 0.2860f) / 0.3530f, out.pixels()[i], 0f, "a 28x28 image is only normalised");
        }
        Image big = RandomTransformsTest.randomImage(3, 300, 400, 8);
        RecipeConfig imagenet = RecipeConfig.of(224, new float[] {0.5f}, new float[] {0.5f});
        Image crop = Recipes.eval(imagenet).apply(big, new Rng(1)).get(0);
        assertEquals(224, crop.height());
        assertEquals(224, crop.width());
    }

    @Test
    void supervisedPaddingSwitchesToPadAndCrop() {
        RecipeConfig config = RecipeConfig.of(28, FMNIST_MEAN, FMNIST_STD).withPadding(4);
        Image img = RandomTransformsTest.randomImage(1, 28, 28, 9);
        boolean sawPadding = false;
        Rng rng = new Rng(10);
        float paddedValue = (0f - 0.2860f) / 0.3530f;
        for (int i = 0; i < 20 && !sawPadding; i++) {
            Image out = Recipes.supervisedTrain(config).apply(img, rng).get(0);
            assertEquals(28, out.width());
            sawPadding = out.get(0, 0, 0) == paddedValue || out.get(0, 27, 27) == paddedValue;
        }
        assertTrue(sawPadding, "zero padding shows up as normalised 0 at a corner");
    }

    @Test
    void simclrViewsDifferButReproduce() {
        RecipeConfig config = RecipeConfig.of(24, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                .withSimclrStrength(0.5);
        Image img = RandomTransformsTest.randomImage(3, 32, 32, 11);
        List<Image> a = Recipes.simclr(config).apply(img, new Rng(12));
        assertEquals(2, a.size());
        assertNotEquals(a.get(0), a.get(1));
        assertEquals(a, Recipes.simclr(config).apply(img, new Rng(12)));
    }

    @Test
    void simclrViewScaleReachesTheCrop() {
        RecipeConfig config = RecipeConfig.of(24, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
        assertArrayEquals(new double[] {0.08, 1.0}, config.viewScale(), "SimCLR's default");
        Image img = RandomTransformsTest.randomImage(3, 32, 32, 11);
        RecipeConfig mild = config.withViewScale(0.5, 1.0);
        List<Image> viaRecipe = Recipes.simclr(mild).apply(img, new Rng(12));
        List<Image> direct = TwoViews.simclr(24, new double[] {0.5, 1.0}, 1.0, mild.blurSigma(), mild.normalize(), true)
                .apply(img, new Rng(12));
        assertEquals(direct, viaRecipe, "the recipe passes its view scale to the crop");
        assertNotEquals(Recipes.simclr(config).apply(img, new Rng(12)), viaRecipe, "another scale, other crops");
    }

    @Test
    void simclrMultiCropAddsSmallViewsAfterTheTwoViewsItWouldHaveMade() {
        RecipeConfig config = RecipeConfig.of(24, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                .withViewScale(0.4, 1.0)
                .withLocal(12, 3)
                .withLocalScale(0.1, 0.4);
        Image img = RandomTransformsTest.randomImage(3, 32, 32, 11);
        List<Image> views = Recipes.simclrMultiCrop(config).apply(img, new Rng(12));
        assertEquals(5, views.size());
        assertEquals(5, Recipes.simclrMultiCrop(config).viewCount());
        assertEquals(Recipes.simclr(config).apply(img, new Rng(12)), views.subList(0, 2), "global views first");
        for (Image local : views.subList(2, 5)) {
            assertEquals(12, local.height());
            assertEquals(12, local.width());
            assertEquals(3, local.channels());
        }
        assertNotEquals(views.get(2), views.get(3), "independent local draws");
        assertEquals(views, Recipes.simclrMultiCrop(config).apply(img, new Rng(12)), "reproducible");
        List<Image> none = Recipes.simclrMultiCrop(config.withLocal(12, 0)).apply(img, new Rng(12));
        assertEquals(Recipes.simclr(config).apply(img, new Rng(12)), none, "no local crops: SimCLR's two views");
    }

    @Test
    void blurSigmaKeepsDinosRangeRelativeToTheImage() {
        assertArrayEquals(
                new double[] {0.1, 2.0}, RecipeConfig.defaultBlurSigma(224), 1e-12, "the reference range at 224");
        assertArrayEquals(
                new double[] {0.1, 2.0}, RecipeConfig.defaultBlurSigma(512), 1e-12, "never wider than the reference");
        assertArrayEquals(new double[] {0.0125, 0.25}, RecipeConfig.defaultBlurSigma(28), 1e-12, "scaled by 28 / 224");
        RecipeConfig config = RecipeConfig.of(28, FMNIST_MEAN, FMNIST_STD).withBlurSigma(0.5, 1.5);
        assertArrayEquals(new double[] {0.5, 1.5}, config.blurSigma(), 0.0);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RecipeConfig.of(28, FMNIST_MEAN, FMNIST_STD)
                        .withBlurSigma(2.0, 1.0));
        assertTrue(e.getMessage().contains("blur sigma"), e.getMessage());
    }
}
