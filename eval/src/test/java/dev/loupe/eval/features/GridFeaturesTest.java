package dev.loupe.eval.features;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Dataset;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** lastN+mean+gridG: DINOv2's linear input followed by the last block's patch tokens pooled over a grid. */
class GridFeaturesTest {
    /** The scalar twin: region (a, b) of a g x g grid over the side x side patches of image i, averaged by loops. */
    private static float[] regionMean(float[] tokens, int i, int t, int skip, int side, int g, int a, int b, int d) {
        int r0 = (int) Math.floor((double) a * side / g), r1 = (int) Math.ceil((double) (a + 1) * side / g);
        int c0 = (int) Math.floor((double) b * side / g), c1 = (int) Math.ceil((double) (b + 1) * side / g);
        float[] mean = new float[d];
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++)
                for (int k = 0; k < d; k++) mean[k] += tokens[(i * t + skip + r * side + c) * d + k];
        for (int k = 0; k < d; k++) mean[k] /= (r1 - r0) * (c1 - c0);
        return mean;
    }

    @Test
    void gridRegionsAverageTheLastBlocksPatchTokensAfterDinov2sInput() {
        VisionTransformer vit = FeatureExtractorTest.tinyVit(12, 1); // a 3 x 3 patch grid, 1 register to skip
        Dataset data = FeatureExtractorTest.images(5, 7, 12);
        FeatureExtractor grid = EvalFeatures.extractor(vit, "last2+mean+grid2", 3);
        FeatureSet f = grid.extract(data, FeatureExtractorTest.CENTER);
        int d = 16, t = 1 + 1 + 9;
        assertEquals("last2+mean+grid2", grid.describe());
        assertEquals((2 + 1 + 4) * d, grid.featureDim());
        assertArrayEquals(new int[] {5, (2 + 1 + 4) * d}, f.features().sizes());
        FeatureSet dinov2 = EvalFeatures.extractor(vit, "last2+mean", 5).extract(data, FeatureExtractorTest.CENTER);
        assertCloseToScale(
                "DINOv2's input first",
                dinov2.features(),
                f.features().narrow(1, 0, 3 * d).contiguous(),
                1e-6);

        vit.train(false);
        float[] last;
        try (var s = GradMode.disable()) {
            Tensor images = FeatureExtractorTest.stacked(data, FeatureExtractorTest.CENTER);
            last = vit.forwardIntermediate(Var.of(images), 1)
                    .getFirst()
                    .data()
                    .contiguous()
                    .toFloatArray(); // (5, t, d)
        }
        // regions of 2 over 3 patches: rows / columns 0-1 and 1-2, overlapping in the middle one
        float[] expected = new float[5 * 4 * d];
        for (int i = 0; i < 5; i++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    System.arraycopy(regionMean(last, i, t, 2, 3, 2, a, b, d), 0, expected, (i * 4 + a * 2 + b) * d, d);
        assertCloseToScale(
                "then the 2 x 2 regions, row by row",
                Tensor.of(expected, 5, 4 * d),
                f.features().narrow(1, 3 * d, 4 * d).contiguous(),
                1e-5);
    }

    @Test
    void aOneRegionGridIsTheMeanPatchTokenAndAFullGridThePatchTokens() {
        VisionTransformer vit = FeatureExtractorTest.tinyVit(12, 0);
        Dataset data = FeatureExtractorTest.images(4, 8, 12);
        Tensor one = EvalFeatures.extractor(vit, "last1+mean+grid1", 4)
                .extract(data, FeatureExtractorTest.CENTER)
                .features();
        assertCloseToScale(
                "grid 1 = mean",
                one.narrow(1, 16, 16).contiguous(),
                one.narrow(1, 32, 16).contiguous(),
                1e-6);
        Tensor full = EvalFeatures.extractor(vit, "last1+mean+grid3", 4)
                .extract(data, FeatureExtractorTest.CENTER)
                .features();
        vit.train(false);
        Tensor tokens;
        try (var s = GradMode.disable()) {
            tokens = vit.forwardTokens(Var.of(FeatureExtractorTest.stacked(data, FeatureExtractorTest.CENTER)))
                    .data(); // (4, 10, 16)
        }
        assertCloseToScale(
                "grid 3 over 3 x 3 patches = each patch token",
                tokens.narrow(1, 1, 9).contiguous().reshape(4, 9 * 16),
                full.narrow(1, 32, 9 * 16).contiguous(),
                1e-6);
    }

    @Test
    void gridsLargerThanThePatchGridOrWithoutTheMeanAreRejected() {
        VisionTransformer vit = FeatureExtractorTest.tinyVit(12, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> EvalFeatures.extractor(vit, "last2+mean+grid4", 2));
        assertEquals(
                "feature extraction: a grid of regions needs 1 <= g <= the patch grid's side 3, got 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EvalFeatures.extractor(vit, "last2+mean+grid0", 2));
        assertThrows(IllegalArgumentException.class, () -> EvalFeatures.extractor(vit, "last2+grid2", 2));
    }
}
