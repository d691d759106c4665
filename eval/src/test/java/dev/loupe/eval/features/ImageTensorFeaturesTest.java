package dev.loupe.eval.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.eval.features.ImageTensorFeatures.Output;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageTensorFeaturesTest {
    /** A ViT for 8 x 8 grey images, dim 16, 2 blocks, 3 classes, in eval mode. */
    private static VisionTransformer vit() {
        VisionTransformer m = new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 2, 2, 3), new Rng(5));
        m.train(false);
        return m;
    }

    @Test
    void batchesGiveTheOutputOfOneForwardPassOverAllImages() {
        VisionTransformer m = vit();
        Tensor x = Tensor.randn(new Rng(1), 5, 1, 8, 8);
        List<Integer> done = new ArrayList<>();
        Tensor cls = ImageTensorFeatures.compute(m, x, Output.CLS, 2, Device.CPU, done::add);
        assertEquals(List.of(2, 4, 5), done, "progress after each batch, the last one partial");
        Tensor logits = ImageTensorFeatures.compute(m, x, Output.LOGITS, 3, Device.CPU, n -> {});
        Tensor pooled = ImageTensorFeatures.compute(m, x, Output.POOLED, 5, Device.CPU, n -> {});
        try (var scope = GradMode.disable()) {
            Var all = Var.of(x);
            assertArrayEquals(
                    m.forwardTokens(all).select(1, 0).data().toFloatArray(), cls.toFloatArray(), 1e-5f, "cls");
            assertArrayEquals(m.forward(all).data().toFloatArray(), logits.toFloatArray(), 1e-5f, "logits");
            assertArrayEquals(m.forwardFeatures(all).data().toFloatArray(), pooled.toFloatArray(), 1e-5f, "pooled");
        }
        assertArrayEquals(new int[] {5, 16}, cls.sizes());
        assertArrayEquals(new int[] {5, 3}, logits.sizes());
    }

    @Test
    void noImagesGiveAnEmptyTableOfTheOutputsWidth() {
        VisionTransformer m = vit();
        Tensor none = Tensor.zeros(0, 1, 8, 8);
        assertArrayEquals(
                new int[] {0, 16},
                ImageTensorFeatures.compute(m, none, Output.POOLED, 4, Device.CPU, n -> {})
                        .sizes());
        assertArrayEquals(
                new int[] {0, 3},
                ImageTensorFeatures.compute(m, none, Output.LOGITS, 4, Device.CPU, n -> {})
                        .sizes());
    }

    @Test
    void imagesAreCheckedAgainstTheModelsInput() {
        ViTConfig c = vit().config();
        Tensor ok = Tensor.zeros(2, 1, 8, 8);
        assertSame(ok, ImageTensorFeatures.checkedImages(ok, c, "x.npy"));
        assertEquals(
                DType.F32,
                ImageTensorFeatures.checkedImages(ok.to(DType.F64), c, "x.npy").dtype());
        var wrongSize = assertThrows(
                IllegalArgumentException.class,
                () -> ImageTensorFeatures.checkedImages(Tensor.zeros(2, 1, 9, 9), c, "x.npy"));
        assertTrue(wrongSize.getMessage().startsWith("x.npy: images "), wrongSize.getMessage());
        assertTrue(wrongSize.getMessage().endsWith("(N, 1, 8, 8)"), wrongSize.getMessage());
        Tensor nan = Tensor.of(new float[] {Float.NaN, 0, 0, 0}, 1, 1, 2, 2);
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageTensorFeatures.checkedImages(nan, ViTConfig.of(2, 1, 1, 4, 1, 1, 0), "nan.npy"));
    }

    @Test
    void outputsAreNamedAsTheCommandSpellsThem() {
        assertEquals(Output.CLS, Output.parse("cls"));
        assertEquals(Output.POOLED, Output.parse("pooled"));
        assertEquals(Output.LOGITS, Output.parse("logits"));
        var e = assertThrows(IllegalArgumentException.class, () -> Output.parse("CLS"));
        assertEquals("--output must be cls, pooled or logits, got 'CLS'", e.getMessage());
        assertEquals("2 blocks, dim 16, heads 2, patch 4, 8px", ImageTensorFeatures.describe(vit().config()));
    }
}
