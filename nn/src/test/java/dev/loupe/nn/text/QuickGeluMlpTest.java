package dev.loupe.nn.text;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradCheck;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * QuickGELU's values and gradient (F64 central differences), and the block MLP's fused op (QuickGELU in the
 * GEMM's output pass) against c_proj(quickGelu(c_fc(x))) in F32: the same function in other rounding (the
 * composition scales, takes the sigmoid and multiplies in three passes), so within float tolerance.
 */
class QuickGeluMlpTest {
    @Test
    void quickGeluIsXTimesSigmoidOf1702X() {
        double[] xs = {-3, -0.5, 0, 0.7, 2.5};
        double[] y = QuickGeluMlp.quickGelu(Var.of(Tensor.of(xs, 5))).data().toDoubleArray();
        for (int i = 0; i < xs.length; i++) assertEquals(xs[i] / (1 + Math.exp(-1.702 * xs[i])), y[i], 1e-12);
    }

    @Test
    void quickGeluGradient() {
        GradCheck.check(
                "quick_gelu",
                v -> QuickGeluMlp.quickGelu(v[0]),
                Tensor.randn(new Rng(3), 4, 5).mul(2));
    }

    @Test
    void fusedMlpMatchesTheCompositionInValuesAndGradients() {
        Rng rng = new Rng(11);
        Tensor x0 = Tensor.randn(rng, 2, 13, 16).mul(1.5), seed = Tensor.randn(rng, 2, 13, 16);
        QuickGeluMlp fused = new QuickGeluMlp(16, 64, new Rng(4)), composed = new QuickGeluMlp(16, 64, new Rng(4));
        Var xf = Var.param(x0), xc = Var.param(x0);
        Var yf = fused.forward(xf);
        Var yc = composed.cProj.forward(QuickGeluMlp.quickGelu(composed.cFc.forward(xc)));
        assertEquals(yc.data().shape(), yf.data().shape());
        assertClose(yc.data(), yf.data(), "y");
        yf.backward(seed);
        yc.backward(seed);
        assertClose(xc.grad(), xf.grad(), "dx");
        for (String name : composed.namedParameters().keySet())
            assertClose(
                    composed.namedParameters().get(name).grad(),
                    fused.namedParameters().get(name).grad(),
                    "d " + name);
        assertThrows(IllegalArgumentException.class, () -> fused.forward(Var.of(Tensor.zeros(2, 15))));
    }

    private static void assertClose(Tensor want, Tensor got, String what) {
        float[] w = want.toFloatArray(), g = got.toFloatArray();
        assertEquals(w.length, g.length, what);
        double scale = 0;
        for (float v : w) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0.1, what + " is all but zero");
        for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 2e-6 * scale + 1e-6, what + "[" + i + "]");
    }
}
