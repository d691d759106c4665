package dev.loupe.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Attention's masks as a text transformer relies on them: with {@code causal}, token i's output does
 * not depend on later tokens; with a key padding mask, padded tokens do not affect the others.
 */
class AttentionMaskTest {
    private static final int B = 2, N = 9, D = 24, HEADS = 3;

    private static Tensor run(Attention attn, Tensor x, boolean causal, Tensor mask) {
        try (var scope = GradMode.disable()) {
            return attn.forward(Var.of(x), causal, mask).data();
        }
    }

    private static double maxDiff(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray(), y = b.toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    @Test
    void causalOutputsIgnoreLaterTokens() {
        Attention attn = new Attention(D, HEADS, true, new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), B, N, D);
        Tensor changed = x.copy();
        changed.narrow(1, 5, N - 5).copyFrom(Tensor.randn(new Rng(3), B, N - 5, D));
        Tensor a = run(attn, x, true, null), b = run(attn, changed, true, null);
        assertEquals(0.0, maxDiff(a.narrow(1, 0, 5), b.narrow(1, 0, 5)), "tokens 0..4 must not see tokens 5..8");
        assertNotEquals(0.0, maxDiff(a.narrow(1, 5, N - 5), b.narrow(1, 5, N - 5)));
        assertNotEquals(
                0.0,
                maxDiff(
                        run(attn, x, false, null).narrow(1, 0, 5),
                        run(attn, changed, false, null).narrow(1, 0, 5)),
                "without the mask early tokens do see later ones");
    }

    @Test
    void paddedKeysDoNotAffectOtherTokens() {
        Attention attn = new Attention(D, HEADS, true, new Rng(4));
        byte[] bits = new byte[B * N];
        for (int j = 6; j < N; j++) bits[N + j] = 1; // batch 1: tokens 6..8 are padding
        Tensor mask = Tensor.view(CpuStorage.ofBool(bits), new int[] {B, N}, new int[] {N, 1}, 0);
        Tensor x = Tensor.randn(new Rng(5), B, N, D);
        Tensor changed = x.copy();
        changed.select(0, 1).narrow(0, 6, 3).copyFrom(Tensor.randn(new Rng(6), 3, D));
        Tensor a = run(attn, x, false, mask), b = run(attn, changed, false, mask);
        assertEquals(0.0, maxDiff(a.select(0, 1).narrow(0, 0, 6), b.select(0, 1).narrow(0, 0, 6)));
        assertEquals(0.0, maxDiff(a.select(0, 0), b.select(0, 0)));
        // the unmasked layer equals the masked one where nothing is masked (batch 0)
        assertEquals(0.0, maxDiff(run(attn, x, false, null).select(0, 0), a.select(0, 0)));
    }
}
