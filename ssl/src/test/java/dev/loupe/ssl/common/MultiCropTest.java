package dev.loupe.ssl.common;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.ssl.byol.ByolMlp;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Views of one size go through the backbone together; each view's rows through the head alone. Per view that is
 * what embedding each view on its own gives, values and gradients, with a batch-norm head in training mode (its
 * statistics are one view's, as the references compute them).
 */
class MultiCropTest {
    @Test
    void perViewEqualsEmbeddingEachViewAlone() {
        VisionTransformer backbone = new VisionTransformer(TinyBatches.tinyVit(), new Rng(1));
        ByolMlp head = new ByolMlp(16, 24, 8, new Rng(2)); // Linear, BatchNorm, ReLU, Linear
        List<Tensor> views = TinyBatches.views(5, 2, 2, new Rng(3)).views(); // 2 views 8x8, 2 views 4x4
        List<Var> together = MultiCrop.perView(views, backbone::forwardFeatures, head::forward);
        assertEquals(4, together.size());
        Var sumTogether = null;
        for (int v = 0; v < 4; v++) {
            Var alone = head.forward(backbone.forwardFeatures(Var.of(views.get(v))));
            assertCloseToScale("view " + v, alone.data(), together.get(v).data(), 1e-5);
            sumTogether = sumTogether == null
                    ? together.get(v).sum()
                    : sumTogether.add(together.get(v).sum());
        }
        Tensor gradTogether = gradOfPatchEmbed(backbone, sumTogether);
        Var sumAlone = null;
        for (Tensor view : views) {
            Var s = head.forward(backbone.forwardFeatures(Var.of(view))).sum();
            sumAlone = sumAlone == null ? s : sumAlone.add(s);
        }
        assertCloseToScale("gradients", gradOfPatchEmbed(backbone, sumAlone), gradTogether, 1e-5);
    }

    private static Tensor gradOfPatchEmbed(VisionTransformer backbone, Var loss) {
        backbone.namedParameters().values().forEach(p -> p.zeroGrad());
        loss.backward();
        return backbone.namedParameters().get("patch_embed.proj.weight").grad().copy();
    }
}
