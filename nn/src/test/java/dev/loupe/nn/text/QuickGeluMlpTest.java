package dev.loupe.nn.text;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradCheck;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** QuickGELU's values and gradient (F64 central differences). */
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
}
