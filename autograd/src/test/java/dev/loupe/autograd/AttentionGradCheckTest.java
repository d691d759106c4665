package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * gradcheck (central differences in F64) of {@link Var#scaledDotProductAttention}: no mask, causal,
 * key padding, both, with token counts that are no multiple of any tile size, an odd head dim, and
 * Tq != Tk; plus agreement with the unfused composite q k^T * scale -> softmax -> v on F32.
 */
class AttentionGradCheckTest {
    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape).to(DType.F64);
    }

    /** (B, Tk) BOOL with the given keys ignored in batch 1 only. */
    private static Tensor padding(int tk, int... ignoredInBatch1) {
        byte[] m = new byte[2 * tk];
        for (int j : ignoredInBatch1) m[tk + j] = 1;
        return Tensor.view(CpuStorage.ofBool(m), new int[] {2, tk}, new int[] {tk, 1}, 0);
    }

    private static void check(String name, int tq, int tk, int d, int dv, boolean causal, Tensor mask) {
        Tensor q = randn(tq * 31L + d, 2, 2, tq, d),
                k = randn(tk * 37L + d, 2, 2, tk, d),
                v = randn(dv * 41L + tk, 2, 2, tk, dv);
        GradCheck.check(name, x -> Var.scaledDotProductAttention(x[0], x[1], x[2], causal, mask), q, k, v);
    }

    @Test
    void noMask() {
        check("attention", 7, 7, 5, 5, false, null);
    }

    @Test
    void causal() {
        check("attention causal", 7, 7, 3, 4, true, null);
    }

    @Test
    void keyPadding() {
        check("attention padded", 6, 9, 5, 3, false, padding(9, 1, 4, 8));
    }

    @Test
    void causalAndKeyPadding() {
        check("attention causal padded", 9, 9, 3, 3, true, padding(9, 2, 3, 7));
    }

    @Test
    void queryAndKeyCountsDiffer() {
        check("attention Tq != Tk", 3, 11, 7, 2, false, null);
    }

    /** More tokens than the kernels' 64-row tiles, so backward walks several tile pairs; head dim odd. */
    @Test
    void severalTiles() {
        Tensor q = randn(1, 1, 1, 67, 3), k = randn(2, 1, 1, 67, 3), v = randn(3, 1, 1, 67, 1);
        GradCheck.check(
                "attention 67 tokens", x -> Var.scaledDotProductAttention(x[0], x[1], x[2], true, null), q, k, v);
    }

    /** The packed form: one (B, N, 3, H, hd) input whose gradient the fused backward writes whole. */
    @Test
    void packedQkvMatchesGradcheckAndTheThreeViewForm() {
        Tensor qkv = randn(6, 2, 9, 3, 2, 5);
        Tensor mask = padding(9, 2, 6);
        GradCheck.check("self attention packed", x -> Var.selfAttention(x[0], true, mask), qkv);
        Var packed = Var.param(qkv), split = Var.param(qkv);
        Var a = Var.selfAttention(packed, false, mask);
        Var heads = split.permute(2, 0, 3, 1, 4);
        Var b = Var.scaledDotProductAttention(heads.select(0, 0), heads.select(0, 1), heads.select(0, 2), false, mask);
        Tensor w = randn(7, 2, 2, 9, 5);
        a.mul(Var.of(w)).sum().backward();
        b.mul(Var.of(w)).sum().backward();
        assertEquals(0, a.data().sub(b.data()).abs().max(false).item(), 0, "same forward");
        assertEquals(0, packed.grad().sub(split.grad()).abs().max(false).item(), 1e-12, "same gradient");
    }

    @Test
    void matchesTheUnfusedCompositeInF32() {
        Tensor qkv = Tensor.randn(new Rng(5), 2, 13, 3, 3, 7).permute(2, 0, 3, 1, 4); // (3, B, H, T, D) view
        Tensor mask = padding(13, 3, 5, 12); // key 0 stays visible: causal row 0 sees only it
        Var p = Var.param(qkv);
        Var q = p.select(0, 0), k = p.select(0, 1), v = p.select(0, 2);
        Var fused = Var.scaledDotProductAttention(q, k, v, true, mask);
        Tensor seed = Tensor.randn(new Rng(6), fused.sizes());
        fused.backward(seed);
        Tensor fusedGrad = p.grad();

        Var p2 = Var.param(qkv);
        Var q2 = p2.select(0, 0), k2 = p2.select(0, 1), v2 = p2.select(0, 2);
        Tensor hidden = Tensor.zeros(DType.F32, 2, 1, 13, 13);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 13; i++) {
                for (int j = 0; j < 13; j++) if (j > i || mask.getDouble(b, j) != 0) hidden.setDouble(1, b, 0, i, j);
            }
        }
        Var scores = q2.matmul(k2.mT()).mul(Math.pow(7, -0.5));
        Var masked = Var.where(
                hidden.gt(0.5).expand(2, 3, 13, 13),
                Var.of(Tensor.full(DType.F32, Double.NEGATIVE_INFINITY, 1)),
                scores);
        Var composite = masked.softmax(-1).matmul(v2);
        composite.backward(seed);

        // both in float32, summing in different orders: a few ulp of values ~1
        double[] a = fused.data().toDoubleArray(), b = composite.data().toDoubleArray();
        for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 2e-6, "out element " + i);
        double[] ga = fusedGrad.toDoubleArray(), gb = p2.grad().toDoubleArray();
        for (int i = 0; i < ga.length; i++) assertEquals(gb[i], ga[i], 1e-5, "qkv grad element " + i);
        assertTrue(fusedGrad.sizes().length == 5);
    }
}
