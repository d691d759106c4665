package dev.loupe.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** embedTokens with a patch mask (iBOT / DINOv2) and forwardIntermediate (DINO's last-k outputs). */
class VitTokensTest {
    private final VisionTransformer vit = new VisionTransformer(ViTConfig.of(8, 4, 1, 12, 3, 2, 0), new Rng(3));
    private final Var images = Var.of(Tensor.randn(new Rng(4), 2, 1, 8, 8)); // (B, C, H, W), N = 4 patches

    @Test
    void maskedPatchesBecomeTheMaskTokenPlusTheirPositionEmbedding() {
        Tensor mask = Tensor.of(new float[] {0, 1, 0, 0, 1, 1, 0, 0}, 2, 4).ne(Tensor.scalar(0)); // (B, N) BOOL
        Var maskToken = Var.param(Tensor.randn(new Rng(5), 1, 12));
        float[] plain = vit.embedTokens(images, null, null).data().toFloatArray(); // (B, 1 + N, D)
        float[] masked = vit.embedTokens(images, mask, maskToken).data().toFloatArray();
        float[] pos = vit.posEmbed.data().toFloatArray(),
                token = maskToken.data().toFloatArray();
        boolean[][] isMasked = {{false, true, false, false}, {true, true, false, false}};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 5; t++) {
                for (int d = 0; d < 12; d++) {
                    int at = (b * 5 + t) * 12 + d;
                    if (t > 0 && isMasked[b][t - 1])
                        assertEquals(token[d] + pos[t * 12 + d], masked[at], 1e-6, "b " + b + " token " + t);
                    else assertEquals(plain[at], masked[at], 0.0, "unmasked b " + b + " token " + t);
                }
            }
        }
    }

    @Test
    void maskOfTheWrongShapeIsRefused() {
        Tensor mask = Tensor.zeros(dev.loupe.tensor.DType.BOOL, 2, 5);
        var e = assertThrows(
                IllegalArgumentException.class, () -> vit.embedTokens(images, mask, Var.param(Tensor.zeros(1, 12))));
        assertTrue(e.getMessage().contains("(2, 4)"), e.getMessage());
    }

    @Test
    void lastIntermediateOutputIsForwardTokens() {
        List<Var> outs = vit.forwardIntermediate(images, 2);
        assertEquals(2, outs.size());
        assertArrayEquals(
                vit.forwardTokens(images).data().toFloatArray(),
                outs.get(1).data().toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> vit.forwardIntermediate(images, 4));
    }
}
