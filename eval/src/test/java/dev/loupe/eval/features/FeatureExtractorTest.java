package dev.loupe.eval.features;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.transform.Transform;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {
    /** n random grey 8x8 images, label i % 3. */
    static Dataset images(int n, long seed) {
        return images(n, seed, 8);
    }

    /** n random grey side x side images, label i % 3. */
    static Dataset images(int n, long seed, int side) {
        Rng rng = new Rng(seed);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = new float[side * side];
            for (int j = 0; j < px.length; j++) px[j] = rng.nextFloat();
            samples.add(new Sample("mem[" + i + "]", new Image(1, side, side, px), i % 3, null));
        }
        return new Dataset() {
            public String name() {
                return "memory/" + seed;
            }

            public int size() {
                return samples.size();
            }

            public Sample get(int index) {
                return samples.get(index);
            }

            public List<String> classNames() {
                return List.of("zero", "one", "two");
            }
        };
    }

    /** 8x8 grey images in 4x4 patches (a 2 x 2 grid), dim 16, depth 3, with {@code registers} register tokens. */
    static VisionTransformer tinyVit(int registers) {
        return tinyVit(8, registers);
    }

    /** {@link #tinyVit(int)} for side x side images: a (side / 4)^2 patch grid. */
    static VisionTransformer tinyVit(int side, int registers) {
        ViTConfig c = ViTConfig.of(side, 4, 1, 16, 3, 2, 0);
        c = new ViTConfig(
                c.imageSize(),
                c.patch(),
                c.channels(),
                c.dim(),
                c.depth(),
                c.heads(),
                c.mlpRatio(),
                c.qkvBias(),
                0.1,
                false,
                c.layerScaleInit(),
                registers,
                c.swiglu(),
                false,
                0,
                c.lnEps());
        return new VisionTransformer(c, new Rng(3));
    }

    /** Subtracts 0.5: a stand-in for Normalize. */
    static final Transform CENTER = (image, rng) -> {
        float[] px = image.pixels().clone();
        for (int i = 0; i < px.length; i++) px[i] -= 0.5f;
        return new Image(image.channels(), image.height(), image.width(), px);
    };

    /** The transformed grey images of data as one (N, 1, side, side) batch. */
    static Tensor stacked(Dataset data, Transform t) {
        int side = data.get(0).image().height(), per = side * side;
        float[] all = new float[data.size() * per];
        for (int i = 0; i < data.size(); i++)
            System.arraycopy(t.apply(data.get(i).image(), new Rng(i)).pixels(), 0, all, i * per, per);
        return Tensor.of(all, data.size(), 1, side, side);
    }

    @Test
    void clsAndMeanFeaturesMatchTheModelInEvalMode() {
        VisionTransformer vit = tinyVit(0);
        Dataset data = images(7, 1);
        FeatureSet cls = new FeatureExtractor(vit, FeatureMode.CLS, 1, 3).extract(data, CENTER);
        FeatureSet mean = new FeatureExtractor(vit, FeatureMode.MEAN, 1, 4).extract(data, CENTER);
        assertTrue(vit.isTraining(), "the training flag is restored");
        vit.train(false);
        Tensor tokens;
        try (var s = GradMode.disable()) {
            tokens = vit.forwardTokens(Var.of(stacked(data, CENTER))).data(); // (7, 5, 16)
        }
        assertCloseToScale("cls", tokens.select(1, 0).contiguous(), cls.features(), 1e-5);
        assertCloseToScale("mean", tokens.narrow(1, 1, 4).mean(false, 1), mean.features(), 1e-5);
        assertArrayEquals(new long[] {0, 1, 2, 0, 1, 2, 0}, cls.labels().toLongArray());
        assertEquals(List.of("zero", "one", "two"), cls.classNames());
    }

    @Test
    void clsPlusMeanIsTheClsTokenThenTheMeanPatchToken() {
        VisionTransformer vit = tinyVit(2); // registers stay out of the mean
        Dataset data = images(6, 1);
        FeatureSet cls = new FeatureExtractor(vit, FeatureMode.CLS, 1, 6).extract(data, CENTER);
        FeatureSet mean = new FeatureExtractor(vit, FeatureMode.MEAN, 1, 6).extract(data, CENTER);
        FeatureExtractor both = new FeatureExtractor(vit, FeatureMode.CLS_MEAN, 1, 4);
        FeatureSet clsMean = both.extract(data, CENTER);
        assertArrayEquals(new int[] {6, 32}, clsMean.features().sizes());
        assertEquals(32, both.featureDim());
        assertEquals("cls+mean", both.describe());
        assertCloseToScale(
                "first half: cls",
                cls.features(),
                clsMean.features().narrow(1, 0, 16).contiguous(),
                1e-6);
        assertCloseToScale(
                "second half: mean",
                mean.features(),
                clsMean.features().narrow(1, 16, 16).contiguous(),
                1e-6);
    }

    @Test
    void lastBlocksConcatenateNormedClsTokensOldestFirst() {
        VisionTransformer vit = tinyVit(2);
        Dataset data = images(5, 2);
        FeatureSet cls = new FeatureExtractor(vit, FeatureMode.CLS, 1, 5).extract(data, CENTER);
        FeatureSet last1 = new FeatureExtractor(vit, FeatureMode.LAST_K, 1, 5).extract(data, CENTER);
        FeatureSet last3 = new FeatureExtractor(vit, FeatureMode.LAST_K, 3, 2).extract(data, CENTER);
        assertCloseToScale("last-1 = cls", cls.features(), last1.features(), 1e-6);
        assertArrayEquals(new int[] {5, 48}, last3.features().sizes());
        assertCloseToScale(
                "newest block last",
                cls.features(),
                last3.features().narrow(1, 32, 16).contiguous(),
                1e-6);
        // the first block's CLS through the final norm differs from the last block's
        assertFalse(last3.features()
                        .narrow(1, 0, 16)
                        .contiguous()
                        .sub(cls.features())
                        .abs()
                        .max(false)
                        .item()
                < 1e-3);
        assertEquals("last3", new FeatureExtractor(vit, FeatureMode.LAST_K, 3, 2).describe());
    }

    @Test
    void lastBlocksPlusMeanAppendsTheMeanPatchToken() {
        VisionTransformer vit = tinyVit(2); // registers stay out of the mean
        Dataset data = images(5, 2);
        FeatureSet last2 = new FeatureExtractor(vit, FeatureMode.LAST_K, 2, 5).extract(data, CENTER);
        FeatureSet mean = new FeatureExtractor(vit, FeatureMode.MEAN, 1, 5).extract(data, CENTER);
        FeatureExtractor both = EvalFeatures.extractor(vit, "last2+mean", 3);
        FeatureSet f = both.extract(data, CENTER);
        assertArrayEquals(new int[] {5, 48}, f.features().sizes());
        assertEquals(48, both.featureDim());
        assertEquals("last2+mean", both.describe());
        assertCloseToScale(
                "CLS of the last 2 blocks first",
                last2.features(),
                f.features().narrow(1, 0, 32).contiguous(),
                1e-6);
        assertCloseToScale(
                "then the mean patch token",
                mean.features(),
                f.features().narrow(1, 32, 16).contiguous(),
                1e-6);
        assertThrows(
                IllegalArgumentException.class,
                () -> EvalFeatures.extractor(vit, "last4+mean", 2),
                "deeper than the model");
        assertThrows(IllegalArgumentException.class, () -> EvalFeatures.extractor(vit, "last2+cls", 2));
    }

    @Test
    void featuresDoNotDependOnTheBatchSize() {
        VisionTransformer vit = tinyVit(0);
        Dataset data = images(9, 3);
        List<Integer> progress = new ArrayList<>();
        FeatureSet a = new FeatureExtractor(vit, FeatureMode.CLS, 1, 2)
                .onProgress((done, total) -> progress.add(done))
                .extract(data, CENTER);
        FeatureSet b = new FeatureExtractor(vit, FeatureMode.CLS, 1, 9).extract(data, CENTER);
        assertEquals(List.of(2, 4, 6, 8, 9), progress);
        assertCloseToScale("batch 2 vs 9", b.features(), a.features(), 1e-5);
    }

    @Test
    void inconsistentImageSizesAndBadSettingsAreRejected() {
        VisionTransformer vit = tinyVit(0);
        Transform ragged = (image, rng) -> rng.nextInt(2) == 0 ? image : new Image(1, 4, 4, new float[16]);
        var e = assertThrows(IllegalArgumentException.class, () -> new FeatureExtractor(vit, FeatureMode.CLS, 1, 16)
                .extract(images(16, 4), ragged));
        assertTrue(e.getMessage().contains("memory/4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FeatureExtractor(vit, FeatureMode.LAST_K, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> new FeatureExtractor(vit, FeatureMode.CLS, 1, 0));
    }
}
